//! The pictures a site shows, copied beside its pages: only PNG and JPEG files inside the
//! content root, found without following a link out of it (the checks of `missing-image`,
//! made again here because an export with `--force` runs past that rule's findings).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG: &[u8] = b"\xff\xd8\xff";

/// The folder of the site the pictures go into.
pub const IMAGE_FOLDER: &str = "images";

/// The pictures placed so far: where each goes in the site, and the file it is copied from.
#[derive(Debug)]
pub struct Images {
    /// The content root, resolved; `None` when it cannot be read (then no picture is copied).
    root: Option<PathBuf>,
    placed: BTreeMap<String, PathBuf>,
}

impl Images {
    pub fn new(content_root: &Path) -> Self {
        Self {
            root: content_root.canonicalize().ok(),
            placed: BTreeMap::new(),
        }
    }

    /// The site path (`images/icloud/images/a.png`) of the picture `src`, written in a guide
    /// whose file is in `folder` (relative to the content root); `None` when it is not a PNG or
    /// JPEG file inside the content root.
    pub fn place(&mut self, folder: &str, src: &str) -> Option<String> {
        let root = self.root.as_ref()?;
        if src.contains('\\') || src.trim().is_empty() {
            return None;
        }
        // Resolved by name first: a `..` that leaves the root is refused before anything is read.
        let mut inside: Vec<&str> = Vec::new();
        for part in folder.split('/').filter(|part| !part.is_empty()) {
            inside.push(part);
        }
        for component in Path::new(src).components() {
            match component {
                Component::Normal(part) => inside.push(part.to_str()?),
                Component::ParentDir => {
                    inside.pop()?;
                }
                Component::CurDir => {}
                Component::RootDir | Component::Prefix(_) => return None,
            }
        }
        let mut path = root.clone();
        path.extend(&inside);
        // Then by the file system: a link inside the root may still point out of it.
        let real = path.canonicalize().ok()?;
        let relative = real.strip_prefix(root).ok()?;
        if !std::fs::metadata(&real).is_ok_and(|meta| meta.is_file()) || !is_picture(&real) {
            return None;
        }
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_str().map(str::to_owned))
            .collect::<Option<_>>()?;
        let site_path = format!("{IMAGE_FOLDER}/{}", parts.join("/"));
        self.placed.insert(site_path.clone(), real);
        Some(site_path)
    }

    /// Every picture placed: its site path and the file to copy, in path order.
    pub fn into_placed(self) -> BTreeMap<String, PathBuf> {
        self.placed
    }

    /// Takes the pictures another page placed.
    pub fn merge(&mut self, other: Images) {
        self.placed.extend(other.placed);
    }
}

fn is_picture(path: &Path) -> bool {
    let mut head = Vec::with_capacity(PNG.len());
    let read = std::fs::File::open(path)
        .and_then(|file| file.take(PNG.len() as u64).read_to_end(&mut head));
    read.is_ok() && (head.starts_with(PNG) || head.starts_with(JPEG))
}
