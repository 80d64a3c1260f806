//! `missing-image`: an image `src` that is not a readable PNG or JPEG inside the content root.

use std::io::Read;
use std::path::{Component, Path};

use remedy_core::{Guide, Image};

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// An image (a method's or a step's) whose `src` is not a PNG or JPEG file that can be
    /// read: the file does not exist, is a folder, cannot be opened, does not start with a PNG
    /// or JPEG signature (whatever its extension), or lies outside the content root (an
    /// absolute path, `..` that leaves the root, or a link that points out of it). `src` is
    /// relative to the guide's file and uses `/`. The finding points at `src`.
    ///
    /// ## Why it matters
    ///
    /// A handout with a missing picture loses the step it illustrates, and an export that
    /// reads files outside the content root could publish what was never meant to be.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// image:
    ///   src: ../../screens/wifi.png
    ///   alt: The Wi-Fi menu in the menu bar
    /// ```
    ///
    /// Fixed (the picture beside the guide, inside the content root):
    ///
    /// ```yaml
    /// image:
    ///   src: images/wifi.png
    ///   alt: The Wi-Fi menu in the menu bar
    /// ```
    pub struct MissingImage {
        name: "missing-image",
        severity: Error,
        summary: "an image `src` that is not a readable PNG or JPEG inside the content root",
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG: &[u8] = b"\xff\xd8\xff";

/// What is wrong with the image at `src` for a guide in `folder`, if anything.
pub fn problem(src: &str, folder: &Path, root: &Path) -> Option<String> {
    // An empty `src` is the schema's finding (empty text), not a second one here.
    if src.trim().is_empty() {
        return None;
    }
    if src.contains('\\') {
        return Some(format!(
            "`{src}` uses `\\`; write the path with `/`, relative to the guide's file"
        ));
    }
    let relative = Path::new(src);
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| matches!(c, Component::Prefix(_)))
    {
        return Some(format!(
            "`{src}` is an absolute path; write it relative to the guide's file, inside the content root"
        ));
    }
    let outside = || {
        Some(format!(
            "`{src}` leads outside the content root; put the picture inside it, next to the guide"
        ))
    };
    let Ok(folder) = folder.canonicalize() else {
        return Some(format!(
            "`{src}` cannot be found: the guide's folder cannot be read"
        ));
    };
    // A guide outside the content root (linted by path, or with no content root at all)
    // keeps its pictures in its own folder.
    let root = match root.canonicalize() {
        Ok(root) if folder.starts_with(&root) => root,
        _ => folder.clone(),
    };
    // Checked before anything is opened: a path that leaves the root is never read.
    let mut depth = folder
        .strip_prefix(&root)
        .map_or(0, |inside| inside.components().count());
    for component in relative.components() {
        match component {
            Component::ParentDir if depth == 0 => return outside(),
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
    }
    let path = folder.join(relative);
    let Ok(real) = path.canonicalize() else {
        return Some(format!(
            "`{src}` does not exist; check the file name (relative to the guide's file)"
        ));
    };
    if !real.starts_with(&root) {
        return outside();
    }
    let is_file = std::fs::metadata(&real).is_ok_and(|metadata| metadata.is_file());
    if !is_file {
        return Some(format!(
            "`{src}` is not a file; point `src` at a PNG or JPEG picture"
        ));
    }
    let mut head = Vec::with_capacity(PNG.len());
    let read = std::fs::File::open(&real)
        .and_then(|file| file.take(PNG.len() as u64).read_to_end(&mut head));
    if let Err(error) = read {
        return Some(format!(
            "`{src}` cannot be read ({}); check its permissions",
            remedy_core::source::describe_io(&error)
        ));
    }
    if head.starts_with(PNG) || head.starts_with(JPEG) {
        None
    } else {
        Some(format!(
            "`{src}` is not a PNG or JPEG picture (its first bytes say otherwise); save it as PNG or JPEG"
        ))
    }
}

/// One finding per image that cannot be shown, at its `src`.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    let folder = match cx.file.path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    let root = cx
        .content_root
        .map_or_else(|| folder.clone(), Path::to_path_buf);
    for (i, method) in guide.methods.iter().enumerate() {
        let mut images: Vec<(String, &Image)> = Vec::new();
        if let Some(image) = &method.image {
            images.push((format!("/methods/{i}/image/src"), image));
        }
        for visit in cx.steps(i) {
            if let Some(image) = &visit.step.image {
                images.push((format!("{}/image/src", visit.pointer(i)), image));
            }
        }
        for (pointer, image) in images {
            if let Some(message) = problem(&image.src, &folder, &root) {
                out.push(cx.at_value(MissingImage::ID, pointer, message));
            }
        }
    }
}
