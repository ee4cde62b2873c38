//! One declaration per table of the format: `record!` declares a model struct and its schema
//! (key, Chinese label, kind, in the order the printed forms and the file use) together, and
//! gives the struct a generic read of its plain fields and a walk over their values.
//!
//! The loader reads a record's plain fields through `FieldSource` without naming them; the
//! workbench's rows and the exports' cells walk `Record::plain` in declaration order. Fields
//! that hold tables or rows (`Option<Signoff>`, `Vec<Building>`) are declared in the same
//! place but read and shown by their section's own code, which knows their layout. Rules
//! still name the fields they compute with, as typed Rust.

use super::schema::{Field, Kind};
use super::{Amount, Count, RateCell};

/// Where a record's plain fields are read from (the loader, over one table of the file).
pub trait FieldSource {
    /// An amount; a negative one is refused unless `field.kind` is `SignedAmount`.
    fn amount(&mut self, field: &'static Field) -> Amount;
    fn rate(&mut self, field: &'static Field) -> RateCell;
    fn count(&mut self, field: &'static Field) -> Count;
    fn text(&mut self, field: &'static Field) -> Option<String>;
    fn text_list(&mut self, field: &'static Field) -> Vec<String>;
}

/// The value of one plain field, as the workbench and the exports show it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plain<'a> {
    Amount(Amount),
    Rate(RateCell),
    Count(Count),
    Text(Option<&'a str>),
    TextList(&'a [String]),
}

impl Plain<'_> {
    /// The value as typed into the workbench's editor (blank for nothing, `/` for 不适用).
    pub fn to_input(&self) -> String {
        match self {
            Plain::Amount(a) => a.to_string(),
            Plain::Rate(r) => r.to_string(),
            Plain::Count(c) => c.to_string(),
            Plain::Text(t) => t.unwrap_or_default().to_owned(),
            Plain::TextList(items) => items.join("\n"),
        }
    }
}

/// A type a record field can have.
pub trait FieldValue: Sized {
    /// Reads the field; tables and rows are left empty, for their section's code to fill.
    fn read(source: &mut dyn FieldSource, field: &'static Field) -> Self;
    /// The field's value when it is plain (not a table or rows).
    fn plain(&self) -> Option<Plain<'_>>;
}

impl FieldValue for Amount {
    fn read(source: &mut dyn FieldSource, field: &'static Field) -> Self {
        source.amount(field)
    }
    fn plain(&self) -> Option<Plain<'_>> {
        Some(Plain::Amount(*self))
    }
}

impl FieldValue for RateCell {
    fn read(source: &mut dyn FieldSource, field: &'static Field) -> Self {
        source.rate(field)
    }
    fn plain(&self) -> Option<Plain<'_>> {
        Some(Plain::Rate(*self))
    }
}

impl FieldValue for Count {
    fn read(source: &mut dyn FieldSource, field: &'static Field) -> Self {
        source.count(field)
    }
    fn plain(&self) -> Option<Plain<'_>> {
        Some(Plain::Count(*self))
    }
}

impl FieldValue for Option<String> {
    fn read(source: &mut dyn FieldSource, field: &'static Field) -> Self {
        source.text(field)
    }
    fn plain(&self) -> Option<Plain<'_>> {
        Some(Plain::Text(self.as_deref()))
    }
}

impl FieldValue for Vec<String> {
    fn read(source: &mut dyn FieldSource, field: &'static Field) -> Self {
        source.text_list(field)
    }
    fn plain(&self) -> Option<Plain<'_>> {
        Some(Plain::TextList(self))
    }
}

/// A table or row type held by a record field: read and shown by its section's own code.
pub trait Nested {}

impl<T: Nested> FieldValue for Option<T> {
    fn read(_: &mut dyn FieldSource, _: &'static Field) -> Self {
        None
    }
    fn plain(&self) -> Option<Plain<'_>> {
        None
    }
}

impl<T: Nested> FieldValue for Vec<T> {
    fn read(_: &mut dyn FieldSource, _: &'static Field) -> Self {
        Vec::new()
    }
    fn plain(&self) -> Option<Plain<'_>> {
        None
    }
}

/// A table of the format declared with `record!`.
pub trait Record: Default {
    /// Its keys, in declaration order.
    fn fields() -> &'static [Field];
    /// Reads every plain field from `source`; tables and rows are left empty.
    fn read(source: &mut dyn FieldSource) -> Self;
    /// Every plain field with its value, in declaration order.
    fn plain(&self) -> Vec<(&'static Field, Plain<'_>)>;
    /// The plain fields of one kind (a section's long texts, say), in declaration order.
    fn plain_of_kind(&self, kind: Kind) -> Vec<(&'static Field, Plain<'_>)> {
        let mut all = self.plain();
        all.retain(|(field, _)| field.kind == kind);
        all
    }
}

/// Declares a model struct and its schema together:
///
/// ```ignore
/// record! {
///     /// `[[budget.projects]]` — one 项目支出 line item.
///     pub struct ProjectItem in PROJECT_ITEM {
///         name: Option<String> = ("name", "项目名称", Text),
///         amount: Amount = ("amount", "金额", Amount),
///     }
/// }
/// ```
///
/// gives `pub struct ProjectItem { pub name: Option<String>, pub amount: Amount }`,
/// `pub static PROJECT_ITEM: &[Field]` and `impl Record for ProjectItem`. A field may add
/// `printed "…"`: its label in the printed form where that differs.
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $schema:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident : $ty:ty = ($key:literal, $label:literal, $kind:ident $(($inner:expr))? $(, printed $printed:literal)?)
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        pub static $schema: &[$crate::model::schema::Field] = &[
            $(
                $crate::model::schema::Field::new(
                    $key,
                    $label,
                    $crate::model::schema::Kind::$kind $(($inner))?,
                ) $(.printed($printed))?,
            )*
        ];

        impl $crate::model::record::Nested for $name {}

        impl $crate::model::record::Record for $name {
            fn fields() -> &'static [$crate::model::schema::Field] {
                $schema
            }

            fn read(source: &mut dyn $crate::model::record::FieldSource) -> Self {
                let mut fields = $schema.iter();
                $name {
                    $( $field: $crate::model::record::FieldValue::read(
                        source,
                        fields.next().expect("one schema entry per field"),
                    ), )*
                }
            }

            fn plain(&self) -> Vec<(&'static $crate::model::schema::Field, $crate::model::record::Plain<'_>)> {
                let mut fields = $schema.iter();
                let mut out = Vec::new();
                $(
                    let field = fields.next().expect("one schema entry per field");
                    if let Some(value) = $crate::model::record::FieldValue::plain(&self.$field) {
                        out.push((field, value));
                    }
                )*
                out
            }
        }
    };
}

pub(crate) use record;
