//! Formulas as data, rendered as browser-native MathML by one recursive builder and patched in
//! place.
//!
//! Views build a [`M`] tree (pure, testable natively via [`M::text`]) and hand it to
//! [`Formula`], which builds it on the DOM and patches it as it changes. One renderer for every
//! formula keeps the wasm small: each distinct `view!` shape costs code, a data tree does not.
//! Every leaf is a text node — never HTML.

use crate::widgets::format::fmt_num;
use leptos::prelude::*;

/// A MathML expression.
#[derive(Debug, Clone, PartialEq)]
pub enum M {
    /// An identifier, `<mi>`.
    I(String),
    /// A number, `<mn>`.
    N(String),
    /// An operator, `<mo>`.
    O(String),
    /// Text, `<mtext>`.
    T(String),
    /// A row, `<mrow>`.
    Row(Vec<M>),
    /// base_sub.
    Sub(Box<M>, Box<M>),
    /// base^sup.
    Sup(Box<M>, Box<M>),
    /// base_sub^sup.
    SubSup(Box<M>, Box<M>, Box<M>),
    /// A fraction.
    Frac(Box<M>, Box<M>),
    /// A square root.
    Sqrt(Box<M>),
    /// base with something under it (∑ over j).
    Under(Box<M>, Box<M>),
    /// A symbol other panels can point at: `<mrow data-sym=key>` (linked highlighting).
    Tag(String, Box<M>),
}

/// `<mi>`.
pub fn mi(s: impl Into<String>) -> M {
    M::I(s.into())
}
/// `<mn>` from text.
pub fn mn(s: impl Into<String>) -> M {
    M::N(s.into())
}
/// `<mn>` for a number, formatted like every other number of nnviz.
pub fn num(v: f64, digits: usize) -> M {
    M::N(fmt_num(v, digits))
}
/// `<mo>`.
pub fn mo(s: impl Into<String>) -> M {
    M::O(s.into())
}
/// `<mtext>`.
pub fn mtext(s: impl Into<String>) -> M {
    M::T(s.into())
}
/// `<mrow>`.
pub fn row(items: Vec<M>) -> M {
    M::Row(items)
}
/// base_sub.
pub fn sub(base: M, s: M) -> M {
    M::Sub(Box::new(base), Box::new(s))
}
/// base^sup.
pub fn sup(base: M, s: M) -> M {
    M::Sup(Box::new(base), Box::new(s))
}
/// base_sub^sup.
pub fn subsup(base: M, s: M, p: M) -> M {
    M::SubSup(Box::new(base), Box::new(s), Box::new(p))
}
/// num / den.
pub fn frac(num: M, den: M) -> M {
    M::Frac(Box::new(num), Box::new(den))
}
/// √x.
pub fn sqrt(x: M) -> M {
    M::Sqrt(Box::new(x))
}
/// base with `u` underneath.
pub fn under(base: M, u: M) -> M {
    M::Under(Box::new(base), Box::new(u))
}
/// `m` marked as the symbol `key`, so hovering it can highlight the same quantity elsewhere.
pub fn tag(key: impl Into<String>, m: M) -> M {
    M::Tag(key.into(), Box::new(m))
}
/// `(t)` as a superscript index, the decks' x^(t).
pub fn paren(t: impl Into<String>) -> M {
    row(vec![mo("("), mn(t), mo(")")])
}

impl M {
    /// A plain-text reading (for tests and accessible labels): sub/superscripts as _ and ^.
    pub fn text(&self) -> String {
        match self {
            M::I(s) | M::N(s) | M::O(s) | M::T(s) => s.clone(),
            M::Row(v) => v.iter().map(M::text).collect::<Vec<_>>().join(""),
            M::Sub(a, b) => format!("{}_{}", a.text(), b.text()),
            M::Sup(a, b) => format!("{}^{}", a.text(), b.text()),
            M::SubSup(a, b, c) => format!("{}_{}^{}", a.text(), b.text(), c.text()),
            M::Frac(a, b) => format!("({})/({})", a.text(), b.text()),
            M::Sqrt(a) => format!("√({})", a.text()),
            M::Under(a, b) => format!("{}_{}", a.text(), b.text()),
            M::Tag(_, a) => a.text(),
        }
    }
}

/// The MathML element name of a node.
fn tag_name(m: &M) -> &'static str {
    match m {
        M::I(_) => "mi",
        M::N(_) => "mn",
        M::O(_) => "mo",
        M::T(_) => "mtext",
        M::Row(_) | M::Tag(..) => "mrow",
        M::Sub(..) => "msub",
        M::Sup(..) => "msup",
        M::SubSup(..) => "msubsup",
        M::Frac(..) => "mfrac",
        M::Sqrt(_) => "msqrt",
        M::Under(..) => "munder",
    }
}

/// A node's text (leaves) or its children, in document order.
fn parts(m: &M) -> (Option<&str>, Vec<&M>) {
    match m {
        M::I(s) | M::N(s) | M::O(s) | M::T(s) => (Some(s), Vec::new()),
        M::Row(v) => (None, v.iter().collect()),
        M::Sub(a, b) | M::Sup(a, b) | M::Frac(a, b) | M::Under(a, b) => (None, vec![a, b]),
        M::SubSup(a, b, c) => (None, vec![a, b, c]),
        M::Sqrt(a) | M::Tag(_, a) => (None, vec![a]),
    }
}

/// An expression tree as MathML elements: `<mi>`, `<mrow>`, `<mfrac>` … with a `data-sym`
/// attribute on tagged symbols. Text goes in with `set_text_content`: a text node, never markup.
fn build(doc: &web_sys::Document, m: &M) -> Option<web_sys::Element> {
    let el = doc
        .create_element_ns(Some("http://www.w3.org/1998/Math/MathML"), tag_name(m))
        .ok()?;
    if let M::Tag(k, _) = m {
        el.set_attribute("data-sym", k).ok()?;
    }
    let (text, children) = parts(m);
    if let Some(t) = text {
        el.set_text_content(Some(t));
    }
    for c in children {
        let child = build(doc, c)?;
        el.append_child(&child).ok()?;
    }
    Some(el)
}

/// Brings `el` — the DOM of `old` — to `new` with as few DOM changes as it can: where the two
/// trees have the same shape only the changed leaves' text is set (a live number is one text
/// node's data), and only a subtree whose shape changed is rebuilt. A formula whose numbers
/// follow a slider used to be re-created whole, element by element, on every change.
fn patch(doc: &web_sys::Document, el: &web_sys::Element, old: &M, new: &M) -> Option<()> {
    let (old_text, old_children) = parts(old);
    let (new_text, new_children) = parts(new);
    // A row may change its length (a sum over neighbours gains a term): it keeps its element,
    // the common prefix is patched and the tail appended or removed.
    let rows = matches!((old, new), (M::Row(_), M::Row(_)));
    let same_shape = tag_name(old) == tag_name(new)
        && (rows || old_children.len() == new_children.len())
        && match (old, new) {
            (M::Tag(a, _), M::Tag(b, _)) => a == b,
            (M::Tag(..), _) | (_, M::Tag(..)) => false,
            _ => true,
        };
    if !same_shape {
        let fresh = build(doc, new)?;
        return el.replace_with_with_node_1(&fresh).ok();
    }
    if old_text != new_text {
        el.set_text_content(new_text);
    }
    let mut child = el.first_element_child();
    let kept = old_children.len().min(new_children.len());
    for (o, n) in old_children.iter().zip(&new_children) {
        let c = child?;
        // The next sibling first: patching may replace `c`.
        child = c.next_element_sibling();
        if o != n {
            patch(doc, &c, o, n)?;
        }
    }
    // What only one of the two rows has.
    while let Some(c) = child {
        child = c.next_element_sibling();
        c.remove();
    }
    for n in &new_children[kept..] {
        let fresh = build(doc, n)?;
        el.append_child(&fresh).ok()?;
    }
    Some(())
}

/// A formula, inline or as a displayed block.
///
/// Built on the DOM by [`build`] once the `<math>` element is mounted (before the browser next
/// paints); each later expression is [`patch`]ed into the same elements.
#[component]
pub fn Formula(
    /// The expression.
    #[prop(into)]
    expr: Signal<M>,
    /// Display as a block (centred line) rather than inline.
    #[prop(optional)]
    block: bool,
    /// CSS class.
    #[prop(optional, into)]
    class: String,
    /// A machine-readable key, set as `data-key` (for tests and linked highlighting).
    #[prop(optional, into)]
    key: Signal<String>,
) -> impl IntoView {
    // Equal expressions (a caption whose inputs changed but whose text did not) change nothing.
    let expr = Memo::new(move |_| expr.get());
    let node = NodeRef::<leptos::math::Math>::new();
    let shown = StoredValue::new(None::<M>);
    Effect::new(move |_| {
        let Some(math) = node.get() else {
            return;
        };
        expr.with(|new| {
            shown.update_value(|old| {
                if old.as_ref() == Some(new) {
                    return;
                }
                let doc = math.owner_document();
                let patched = match (old.as_ref(), &doc, math.first_element_child()) {
                    (Some(old), Some(doc), Some(root)) => patch(doc, &root, old, new).is_some(),
                    _ => false,
                };
                if !patched {
                    // First run (or a DOM that is not what `old` left): build it whole.
                    math.set_text_content(None);
                    if let Some(fresh) = doc.and_then(|d| build(&d, new)) {
                        let _ = math.append_child(&fresh);
                    }
                }
                *old = Some(new.clone());
            });
        })
    });
    let math = view! {
        <math node_ref=node display=if block { "block" } else { "inline" } class=class
            data-key=move || key.get() aria-label=move || expr.with(M::text)>
        </math>
    };
    // A long block formula scrolls inside its own box instead of widening the page.
    if block {
        view! { <div class="formula-block">{math}</div> }.into_any()
    } else {
        math.into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reading() {
        let e = row(vec![
            sub(mi("P"), row(vec![mn("1"), mo(","), mn("2")])),
            mo("="),
            frac(mn("1"), row(vec![sqrt(mn("3")), mo("·"), sqrt(mn("2"))])),
        ]);
        assert_eq!(e.text(), "P_1,2=(1)/(√(3)·√(2))");
        assert_eq!(num(-0.5, 3).text(), "−0.5");
    }
}
