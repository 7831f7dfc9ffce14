//! A panic in WASM stops the whole module. Instead of a silently dead page, the hook below
//! writes a visible banner (as text, never HTML) and logs the details to the console.

use wasm_bindgen::JsCast;

/// Id of the banner element.
pub const BANNER_ID: &str = "nnviz-error";

/// Installs the panic hook: console log plus the error banner.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_error_banner(&info.to_string());
    }));
}

/// Shows (or updates) the error banner at the top of the page with `detail` as plain text.
pub fn show_error_banner(detail: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else {
        return;
    };
    let banner = match doc.get_element_by_id(BANNER_ID) {
        Some(el) => el,
        None => {
            let Ok(el) = doc.create_element("div") else {
                return;
            };
            el.set_id(BANNER_ID);
            let _ = el.set_attribute("role", "alert");
            let _ = el.set_attribute("class", "error-banner");
            let _ = body.prepend_with_node_1(el.unchecked_ref());
            el
        }
    };
    banner.set_text_content(Some(&format!(
        "nnviz stopped after an internal error. Reload the page to start again — \
         the address keeps your place. Details: {detail}"
    )));
}
