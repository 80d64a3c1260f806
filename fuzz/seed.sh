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
echo "seeded $(ls corpus/lint | wc -l) files into fuzz/corpus/{lint,export_json,export_csv,export_pdf}"
