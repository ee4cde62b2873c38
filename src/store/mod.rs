//! TOML ⇄ model: exact decimals from the source text, a span for every value,
//! format-preserving edits and atomic saves.

mod edit;
mod load;
mod recover;
mod save;
mod sidecar;
mod source;
mod stamp;
mod tree;

pub use edit::{Document, EditError, Part, RowEdit};
pub use load::{
    Changed, LoadFailure, Loaded, Locations, MAX_FILE_BYTES, ReadError, SchemeKey, inspect, load,
    load_str, read_report_file, reread,
};
pub use recover::{
    Owner, Recovery, SessionFiles, describe_difference, describe_value_difference, encode_recovery,
    fingerprint,
};
pub use save::{
    SaveError, SaveOptions, Saved, beside, create_new_file, resolve_target, save_report,
    write_new_or_own,
};
pub use sidecar::{effective_uid, read as read_beside};
pub use source::{LineIndex, Source};
pub use stamp::Stamp;
