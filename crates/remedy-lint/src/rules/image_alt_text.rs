//! `image-alt-text`: an image `alt` that does not describe the picture.

use remedy_core::{Guide, Image};

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// An image whose `alt` does not say what the picture shows: the whole text is "image",
    /// "picture", "photo" or "screenshot", or the file's name (with or without its extension),
    /// in any case; it starts with "image of", "picture of", "photo of" or "screenshot of"; or
    /// it is longer than 250 characters.
    ///
    /// ## Why it matters
    ///
    /// A reader using a screen reader, or one whose printout lost the picture, gets only the
    /// `alt`. "Screenshot" tells them nothing; "image of" is what the screen reader already
    /// says; a paragraph belongs in the step's text or the `caption`.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// image:
    ///   src: wifi-menu.png
    ///   alt: Screenshot of the menu
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// image:
    ///   src: wifi-menu.png
    ///   alt: The Wi-Fi menu in the menu bar, with the network list and Wi-Fi Settings at the bottom
    /// ```
    pub struct ImageAltText {
        name: "image-alt-text",
        severity: Warning,
        summary: "image `alt` that does not describe the picture (the file name, \"image\", \"screenshot of …\", over 250 characters)",
    }
}

/// The longest useful `alt`, in characters.
const MAX_ALT: usize = 250;

/// What is wrong with `alt` for this image, if anything.
pub fn problem(image: &Image) -> Option<String> {
    let alt = image.alt.trim();
    // An empty `alt` is the schema's finding (empty text); saying it is the file name too
    // would be a second, wrong finding at the same place.
    if alt.is_empty() {
        return None;
    }
    let lower = alt.to_lowercase();
    let file = image
        .src
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let stem = file
        .rsplit_once('.')
        .map_or(file.as_str(), |(stem, _)| stem);
    if ["image", "picture", "photo", "screenshot"].contains(&lower.as_str()) {
        return Some(format!(
            "`alt: {alt}` does not say what the picture shows; describe it for a reader who cannot see it"
        ));
    }
    if lower == file || lower == stem {
        return Some(
            "`alt` is the image's file name; describe what the picture shows for a reader who cannot see it".into(),
        );
    }
    for prefix in ["image of", "picture of", "photo of", "screenshot of"] {
        if lower.starts_with(prefix)
            && lower[prefix.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
        {
            return Some(format!(
                "`alt` starts with “{}”, which a screen reader already says; start with what the picture shows",
                &alt[..prefix.len()]
            ));
        }
    }
    let length = alt.chars().count();
    if length > MAX_ALT {
        return Some(format!(
            "`alt` is {length} characters long; keep it under {MAX_ALT} and put the rest in the `caption` or the text"
        ));
    }
    None
}

/// One finding per image with a poor `alt`, at the `alt`.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    for (i, method) in guide.methods.iter().enumerate() {
        let mut images: Vec<(String, &Image)> = Vec::new();
        if let Some(image) = &method.image {
            images.push((format!("/methods/{i}/image/alt"), image));
        }
        for visit in cx.steps(i) {
            if let Some(image) = &visit.step.image {
                images.push((format!("{}/image/alt", visit.pointer(i)), image));
            }
        }
        for (pointer, image) in images {
            if let Some(message) = problem(image) {
                out.push(cx.at_value(ImageAltText::ID, pointer, message));
            }
        }
    }
}
