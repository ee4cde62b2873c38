//! TOML ⇄ model: exact decimals from the source text, a span for every value,
//! format-preserving edits and atomic saves.

mod edit;
mod load;
mod recover;
mod save;
mod source;
mod tree;

pub use edit::{Document, EditError, Part, RowEdit};
pub use load::{
    Changed, LoadFailure, Loaded, Locations, MAX_FILE_BYTES, ReadError, inspect, load, load_str,
    read_report_file, reread,
};
pub use recover::{Owner, Recovery, SessionFiles, describe_difference, encode_recovery};
pub use save::{SaveError, atomic_write, resolve_target};
pub use source::{LineIndex, Source};
