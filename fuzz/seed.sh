#!/bin/sh
# Seeds the fuzz corpora from the project's fixtures and content. The corpora are not committed
# (fuzz/.gitignore); run this once before `cargo fuzz run`.
set -eu
cd "$(dirname "$0")"
for target in lint export_json export_csv export_pdf; do
    mkdir -p "corpus/$target"
    find ../tests/fixtures ../content -type f \( -name '*.yaml' -o -name '*.yml' \) |
        while read -r file; do
            # One file per seed, named by its content hash so that reseeding is idempotent.
            cp "$file" "corpus/$target/$(sha1sum "$file" | cut -c1-16).yaml"
        done
done
# Large seeds (a few hundred KB), shaped like the inputs that once blew up time or memory: run
# them with `-max_len=524288` so that mutations keep their size.
guide='id: big
title: A large guide
summary: S
updated: 2026-11-21
'
big() { # NAME, then the body on standard input
    body=$(cat)
    for target in lint export_json export_csv export_pdf; do
        printf '%s%s\n' "$guide" "$body" > "corpus/$target/large-$1.yaml"
    done
}
# 30,000 unknown keys: each schema finding was compared with every other.
awk 'BEGIN { for (i = 0; i < 30000; i++) printf "k%06d: 1\n", i }' | big unknown-keys
# 60 nested 200-character keys over 20,000 siblings: every node kept its whole pointer.
awk 'BEGIN { k = ""; for (i = 0; i < 198; i++) k = k "k"
    printf "extra: "; for (d = 0; d < 60; d++) printf "{%s%02d: ", k, d
    printf "{"; for (s = 0; s < 20000; s++) printf "s%d: 1, ", s
    printf "last: 1}"; for (d = 0; d < 60; d++) printf "}"; printf "\n" }' | big nested-keys
# 10,000 suppression comments among 10,000 text nodes: each comment asked every node.
awk 'BEGIN { printf "tags:\n"; for (i = 0; i < 10000; i++) printf "  - t%d # remedy: ignore[schema]\n", i }' | big comments
# The content_root target reads its input as operations (mkdir, file, link) of four bytes.
mkdir -p corpus/content_root
printf '\000\000\000\000\001\001\000\000\002\000\001\002\002\001\000\004\002\000\001\007' > corpus/content_root/links-out
printf '\000\000\000\000\002\001\000\000\002\001\000\000\002\000\000\003\001\000\000\000' > corpus/content_root/links-loop
echo "seeded $(ls corpus/lint | wc -l) files into fuzz/corpus/{lint,export_json,export_csv,export_pdf}, and corpus/content_root"
