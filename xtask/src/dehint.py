"""Drops a TrueType font's hinting and proves nothing else changed: `dehint.py SOURCE TARGET`.

Run by `cargo xtask fonts` (xtask/src/fonts.rs) with fontTools. Hinting is what fontTools'
subsetter drops for `--no-hinting`: each glyph's instructions, the font-wide hinting tables and
the hinting limits in `maxp`. Every other table is kept as it was, bytes and all, including
`name` (its copyright and licence records must stay in every copy, by the font's licence).
"""

import sys

from fontTools.ttLib import TTFont

# fontTools.subset's `--hinting-tables` default.
HINTING_TABLES = ("cvt ", "cvar", "fpgm", "prep", "hdmx", "VDMX")
# What dehinting writes anew; every other table must come out byte for byte as it went in.
REWRITTEN = ("glyf", "loca", "maxp", "head")
# A component's flag saying instructions follow the last component.
WE_HAVE_INSTRUCTIONS = 0x0100


def dehint(source, target):
    font = TTFont(source, recalcBBoxes=False, recalcTimestamp=False)
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyf[name].removeHinting()
    for tag in HINTING_TABLES:
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    if maxp.tableVersion == 0x00010000:
        maxp.maxZones = 1
        maxp.maxTwilightPoints = 0
        maxp.maxStorage = 0
        maxp.maxFunctionDefs = 0
        maxp.maxInstructionDefs = 0
        maxp.maxStackElements = 0
        maxp.maxSizeOfInstructions = 0
    font.save(target, reorderTables=True)


def outline(glyph, glyf):
    """A glyph's drawing: points, contours and on-curve flags, or its components."""
    if glyph.isComposite():
        return [
            (c.glyphName, c.x, c.y, c.flags & ~WE_HAVE_INSTRUCTIONS, getattr(c, "transform", None))
            for c in glyph.components
        ]
    if glyph.numberOfContours == 0:
        return []
    coordinates, ends, flags = glyph.getCoordinates(glyf)
    return (list(coordinates), list(ends), [flag & 0x01 for flag in flags])


def check(source, target):
    """Fails unless `target` is `source` without its hinting."""
    before = TTFont(source, lazy=False)
    after = TTFont(target, lazy=False)
    problems = []
    for tag in HINTING_TABLES:
        if tag in after:
            problems.append(f"the table {tag!r} is still there")
    if before.getGlyphOrder() != after.getGlyphOrder():
        problems.append("the glyphs are not the same")
    for tag in before.keys():
        if tag in HINTING_TABLES or tag in REWRITTEN or tag == "GlyphOrder":
            continue
        if tag not in after or before.getTableData(tag) != after.getTableData(tag):
            problems.append(f"the table {tag!r} changed")
    glyf_before, glyf_after = before["glyf"], after["glyf"]
    for name in before.getGlyphOrder():
        old, new = glyf_before[name], glyf_after[name]
        if outline(old, glyf_before) != outline(new, glyf_after):
            problems.append(f"the glyph {name} is drawn differently")
        program = getattr(new, "program", None)
        if program is not None and len(program.getBytecode()) > 0:
            problems.append(f"the glyph {name} still has instructions")
        for field in ("xMin", "yMin", "xMax", "yMax"):
            if getattr(old, field, None) != getattr(new, field, None):
                problems.append(f"the glyph {name}'s bounds changed")
                break
    if after["maxp"].maxSizeOfInstructions != 0:
        problems.append("maxp still allows instructions")
    if problems:
        sys.exit(f"{target}: " + "; ".join(problems[:10]))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: dehint.py SOURCE TARGET")
    dehint(sys.argv[1], sys.argv[2])
    check(sys.argv[1], sys.argv[2])
