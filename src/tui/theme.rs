//! Colours, or none: with `NO_COLOR` every distinction is made by symbol and emphasis only.
//! A terminal that announces neither 256 colours nor true colour gets a palette of the 8
//! basic colours (no grey, no bright white), which every colour terminal shows.

use crate::finding::Severity;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mono: bool,
    /// Only the 8 basic colours (an 8- or 16-colour terminal).
    pub basic: bool,
}

impl Theme {
    /// Colours as on a 256-colour or true-colour terminal.
    pub const COLOR: Theme = Theme {
        mono: false,
        basic: false,
    };
    /// No colour at all (`NO_COLOR`).
    pub const MONO: Theme = Theme {
        mono: true,
        basic: false,
    };
    /// The 8 basic colours.
    pub const BASIC: Theme = Theme {
        mono: false,
        basic: true,
    };

    /// From the environment: `NO_COLOR`, `COLORTERM` and `TERM`.
    pub fn from_env() -> Theme {
        let var = |name| std::env::var(name).ok();
        Theme::detect(
            var("NO_COLOR").as_deref(),
            var("COLORTERM").as_deref(),
            var("TERM").as_deref(),
        )
    }

    /// Monochrome when `NO_COLOR` is set to anything non-empty; the full palette when
    /// `COLORTERM` says truecolor / 24bit or `TERM` names 256 colours (or direct colour);
    /// else the 8 basic colours.
    pub fn detect(no_color: Option<&str>, colorterm: Option<&str>, term: Option<&str>) -> Theme {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return Theme::MONO;
        }
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        let term = term.unwrap_or("").to_ascii_lowercase();
        let rich = matches!(colorterm.as_str(), "truecolor" | "24bit")
            || term.contains("256color")
            || term.contains("direct")
            || term.contains("truecolor");
        if rich { Theme::COLOR } else { Theme::BASIC }
    }

    fn color(&self, c: Color) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }

    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn tab_active(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn heading(&self) -> Style {
        self.color(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn label(&self) -> Style {
        Style::default()
    }

    pub fn dim(&self) -> Style {
        // Grey is not one of the 8 basic colours: a basic terminal dims instead.
        if self.mono || self.basic {
            Style::default().add_modifier(Modifier::DIM)
        } else {
            Style::default().fg(Color::DarkGray)
        }
    }

    pub fn selected_row(&self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::BOLD)
        } else if self.basic {
            Style::default().bg(Color::Blue).fg(Color::Gray)
        } else {
            Style::default().bg(Color::Blue).fg(Color::White)
        }
    }

    pub fn selected_cell(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.color(Color::Green)
    }

    pub fn bad(&self) -> Style {
        self.color(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self.color(Color::Red).add_modifier(Modifier::BOLD),
            Severity::Warning => self.color(Color::Yellow),
            Severity::Info => self.color(Color::Cyan),
        }
    }

    pub fn error_text(&self) -> Style {
        self.color(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn border(&self) -> Style {
        self.dim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terminal_chooses_the_palette() {
        assert_eq!(
            Theme::detect(Some("1"), Some("truecolor"), None),
            Theme::MONO
        );
        assert_eq!(
            Theme::detect(Some(""), None, Some("xterm-256color")),
            Theme::COLOR
        );
        assert_eq!(
            Theme::detect(None, Some("truecolor"), Some("xterm")),
            Theme::COLOR
        );
        assert_eq!(Theme::detect(None, Some("24bit"), None), Theme::COLOR);
        for term in ["xterm", "linux", "vt100", "screen", "xterm-16color", "ansi"] {
            assert_eq!(
                Theme::detect(None, None, Some(term)),
                Theme::BASIC,
                "{term}"
            );
        }
        assert_eq!(Theme::detect(None, None, None), Theme::BASIC);
    }
}
