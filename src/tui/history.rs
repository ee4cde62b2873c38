//! Undo, redo, and whether the document differs from the file it was saved to.
//!
//! How it works (after helix's `helix-core/src/history.rs`, kept linear: a new edit after
//! an undo drops the redo steps, as the workbench always did):
//!
//! - **States.** Every state the document has been in has a number. The document opens in
//!   state 0; each recorded change makes a new state with the next unused number
//!   (`latest + 1`), so a number is never reused, even after undo. Undo and redo return to
//!   the numbers the document had before: undoing the one edit of a session returns to 0.
//! - **Steps.** What is recorded is the *reverse* of a change — what putting the document
//!   back needs (a snapshot of the part it touched, or the whole text it replaced) — with
//!   the number of the state it puts back and a few words for the message ("修改 单位名称").
//!   The history does not know what a change is (`C`); the app applies it.
//! - **Undo and redo are two phases.** [`History::undo`] takes the newest step off the undo
//!   stack and hands its change to the app as a [`Travel`]; the app puts the change into the
//!   document, which gives the change that goes the other way, and hands that back with
//!   [`History::arrive`]: the history moves to the step's state and keeps the reverse on the
//!   other stack. A step the app cannot apply is dropped (`arrive` is never called): the
//!   document is as it was, and the state with it.
//! - **The saved marker.** The number of the state last loaded or saved, and a digest of its
//!   text. The document is dirty while its state is not that number ([`History::is_dirty`]),
//!   so undoing back to the saved state is clean again. An edit typed back to the saved text
//!   reaches a *new* state with the saved text: [`History::matches_saved`] lets the app
//!   notice that (it compares digests when the recovery file is written) and call
//!   [`History::mark_saved`] again.
//! - **Opened unsaved.** A document opened from a recovery file differs from the file on
//!   disk from the start, with nothing to undo: [`History::unsaved`] starts it in state 1
//!   while the saved marker stays at 0.

/// The undo and redo steps of one document, and its saved marker. `C` is what a step
/// holds to put the document back (in the workbench, a part of the document or a whole text).
#[derive(Debug)]
pub struct History<C> {
    undo: Vec<Step<C>>,
    redo: Vec<Step<C>>,
    /// The number of the state the document is in.
    current: u64,
    /// The highest number given so far (a new state gets the next one).
    latest: u64,
    /// The number of the state that was last loaded or saved.
    saved: u64,
    /// A digest of the text last loaded or saved.
    saved_digest: u64,
}

#[derive(Debug)]
struct Step<C> {
    /// What putting the document back needs.
    change: C,
    /// The state the document is in once the change is applied.
    state: u64,
    /// What the step was, for the message after undoing or redoing it.
    what: String,
}

/// A step taken off the undo or redo stack, on its way into the document.
#[derive(Debug)]
#[must_use = "apply the change, then hand its reverse to History::arrive"]
pub struct Travel<C> {
    /// What to apply to the document.
    pub change: C,
    /// Where the step goes back to once applied.
    pub ticket: Ticket,
}

/// The rest of a step whose change is being applied: given back to [`History::arrive`].
#[derive(Debug)]
pub struct Ticket {
    state: u64,
    what: String,
    /// Taken off the undo stack (its reverse goes on the redo stack), or the other way.
    undoing: bool,
}

impl Ticket {
    /// What the step was ("修改 单位名称", "新增一行", "恢复").
    pub fn what(&self) -> &str {
        &self.what
    }
}

impl<C> History<C> {
    /// The history of a document as loaded from a file whose text has `saved_digest`.
    pub fn saved(saved_digest: u64) -> History<C> {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            current: 0,
            latest: 0,
            saved: 0,
            saved_digest,
        }
    }

    /// The history of a document that differs from the file on disk (whose text has
    /// `saved_digest`) from the start, with nothing to undo: opened from a recovery file.
    pub fn unsaved(saved_digest: u64) -> History<C> {
        History {
            current: 1,
            latest: 1,
            ..History::saved(saved_digest)
        }
    }

    /// Records a change just made to the document: `reverse` puts the document back as it
    /// was before it, `what` names it. The document is in a new state; redo steps are gone.
    pub fn record(&mut self, reverse: C, what: impl Into<String>) {
        self.undo.push(Step {
            change: reverse,
            state: self.current,
            what: what.into(),
        });
        self.redo.clear();
        self.latest += 1;
        self.current = self.latest;
    }

    /// Takes the newest undo step, to be applied; None when there is nothing to undo.
    pub fn undo(&mut self) -> Option<Travel<C>> {
        let step = self.undo.pop()?;
        Some(step.travel(true))
    }

    /// Takes the newest redo step, to be applied; None when there is nothing to redo.
    pub fn redo(&mut self) -> Option<Travel<C>> {
        let step = self.redo.pop()?;
        Some(step.travel(false))
    }

    /// The change of a step taken by `undo` or `redo` was applied, and `reverse` takes it
    /// back: the document is in the step's state, and `reverse` goes on the other stack.
    pub fn arrive(&mut self, ticket: Ticket, reverse: C) {
        let back = Step {
            change: reverse,
            state: self.current,
            what: ticket.what,
        };
        self.current = ticket.state;
        if ticket.undoing {
            self.redo.push(back);
        } else {
            self.undo.push(back);
        }
    }

    /// The document as it is now was loaded or saved, its text having `digest`.
    pub fn mark_saved(&mut self, digest: u64) {
        self.saved = self.current;
        self.saved_digest = digest;
    }

    /// Whether the document's state is not the one last loaded or saved.
    pub fn is_dirty(&self) -> bool {
        self.current != self.saved
    }

    /// Whether a text with `digest` is the text last loaded or saved.
    pub fn matches_saved(&self, digest: u64) -> bool {
        digest == self.saved_digest
    }
}

impl<C> Step<C> {
    fn travel(self, undoing: bool) -> Travel<C> {
        Travel {
            change: self.change,
            ticket: Ticket {
                state: self.state,
                what: self.what,
                undoing,
            },
        }
    }
}

/// The digest the saved marker keeps of a text.
pub fn digest(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of one string: a step holds the text to put back.
    struct Doc {
        text: String,
        history: History<String>,
    }

    impl Doc {
        fn open(text: &str) -> Doc {
            Doc {
                text: text.to_owned(),
                history: History::saved(digest(text)),
            }
        }

        fn edit(&mut self, text: &str) {
            let before = std::mem::replace(&mut self.text, text.to_owned());
            self.history.record(before, format!("改为 {text}"));
        }

        fn undo(&mut self) -> Option<String> {
            let travel = self.history.undo()?;
            Some(self.apply(travel))
        }

        fn redo(&mut self) -> Option<String> {
            let travel = self.history.redo()?;
            Some(self.apply(travel))
        }

        fn apply(&mut self, travel: Travel<String>) -> String {
            let what = travel.ticket.what().to_owned();
            let reverse = std::mem::replace(&mut self.text, travel.change);
            self.history.arrive(travel.ticket, reverse);
            what
        }

        fn save(&mut self) {
            self.history.mark_saved(digest(&self.text));
        }
    }

    #[test]
    fn a_fresh_document_is_clean_with_nothing_to_undo_or_redo() {
        let mut doc = Doc::open("a");
        assert!(!doc.history.is_dirty());
        assert!(doc.undo().is_none());
        assert!(doc.redo().is_none());
        assert!(doc.history.matches_saved(digest("a")));
        assert!(!doc.history.matches_saved(digest("b")));
    }

    #[test]
    fn undo_and_redo_walk_the_states_and_name_the_step() {
        let mut doc = Doc::open("a");
        doc.edit("b");
        doc.edit("c");
        assert!(doc.history.is_dirty());
        assert_eq!(doc.undo().as_deref(), Some("改为 c"));
        assert_eq!(doc.text, "b");
        assert_eq!(doc.undo().as_deref(), Some("改为 b"));
        assert_eq!(doc.text, "a");
        assert!(!doc.history.is_dirty(), "back at the state loaded");
        assert!(doc.undo().is_none());
        assert_eq!(doc.redo().as_deref(), Some("改为 b"));
        assert_eq!(doc.redo().as_deref(), Some("改为 c"));
        assert_eq!(doc.text, "c");
        assert!(doc.redo().is_none());
        assert!(doc.history.is_dirty());
    }

    #[test]
    fn a_new_edit_after_undo_drops_the_redo_steps() {
        let mut doc = Doc::open("a");
        doc.edit("b");
        doc.undo();
        doc.edit("x");
        assert!(doc.redo().is_none());
        assert_eq!(doc.undo().as_deref(), Some("改为 x"));
        assert_eq!(doc.text, "a");
        assert!(!doc.history.is_dirty());
    }

    #[test]
    fn the_saved_marker_follows_saves_and_undo_past_it_is_dirty() {
        let mut doc = Doc::open("a");
        doc.edit("b");
        doc.save();
        assert!(!doc.history.is_dirty());
        doc.undo();
        assert!(doc.history.is_dirty(), "the file holds b, the document a");
        doc.redo();
        assert!(!doc.history.is_dirty());
        assert!(doc.history.matches_saved(digest("b")));
    }

    #[test]
    fn a_state_number_is_never_reused_after_undo() {
        // Saved at "b", undone to "a", edited to "c": "c" must not count as saved because
        // it happens to be the second state made.
        let mut doc = Doc::open("a");
        doc.edit("b");
        doc.save();
        doc.undo();
        doc.edit("c");
        assert!(doc.history.is_dirty());
    }

    #[test]
    fn an_edit_typed_back_to_the_saved_text_is_noticed_by_its_digest() {
        let mut doc = Doc::open("a");
        doc.edit("b");
        doc.edit("a");
        assert!(doc.history.is_dirty(), "a new state, though the saved text");
        assert!(doc.history.matches_saved(digest(&doc.text)));
        doc.save();
        assert!(!doc.history.is_dirty());
    }

    #[test]
    fn a_step_that_cannot_be_applied_is_dropped_and_the_state_stays() {
        let mut doc = Doc::open("a");
        doc.edit("b");
        doc.edit("c");
        let failed = doc.history.undo().expect("a step");
        drop(failed);
        assert_eq!(doc.text, "c");
        assert!(doc.history.is_dirty());
        assert_eq!(
            doc.undo().as_deref(),
            Some("改为 b"),
            "the next undo is the older step"
        );
        assert_eq!(doc.text, "a");
        assert!(!doc.history.is_dirty());
        assert_eq!(doc.redo().as_deref(), Some("改为 b"));
        assert_eq!(
            doc.text, "c",
            "redo puts back the text the older step replaced"
        );
        assert!(
            doc.redo().is_none(),
            "the dropped step is not on the redo stack"
        );
    }

    #[test]
    fn opened_unsaved_is_dirty_with_nothing_to_undo_until_saved() {
        let mut doc = Doc::open("recovered");
        doc.history = History::unsaved(digest("on disk"));
        assert!(doc.history.is_dirty());
        assert!(doc.undo().is_none());
        assert!(!doc.history.matches_saved(digest("recovered")));
        doc.edit("more");
        doc.undo();
        assert!(
            doc.history.is_dirty(),
            "still the recovered text, not the disk's"
        );
        doc.save();
        assert!(!doc.history.is_dirty());
    }
}
