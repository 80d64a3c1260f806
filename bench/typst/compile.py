"""Compiles one Typst handout per guide: the peer of `remedy export pdf` in the bench.

usage: compile.py TEMPLATE ROOT OUT GUIDE...   (TEMPLATE and the GUIDE files below ROOT;
GUIDE paths relative to ROOT, as Typst reads no file outside its root)

One process for all the guides, as `remedy export pdf` is one process for all of them.
"""

import os
import sys

import typst


def main() -> None:
    template, root, out, guides = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    os.makedirs(out, exist_ok=True)
    for guide in guides:
        name = os.path.splitext(os.path.basename(guide))[0]
        typst.compile(
            template,
            output=os.path.join(out, f"{name}.pdf"),
            root=root,
            # A leading `/` makes Typst read the path from the root, not beside the template.
            sys_inputs={"guide": "/" + guide.lstrip("/")},
        )


if __name__ == "__main__":
    main()
