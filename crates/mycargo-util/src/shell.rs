//! All human output goes through [`Shell`]: status lines, warnings, errors,
//! notes, honouring verbosity and colour. Machine output (JSON, paths for
//! scripts) goes to [`Shell::out`].

use std::fmt::Display;
use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Effects, Style};

pub const HEADER: Style = AnsiColor::BrightGreen.on_default().effects(Effects::BOLD);
pub const ERROR: Style = AnsiColor::BrightRed.on_default().effects(Effects::BOLD);
pub const WARN: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
pub const NOTE: Style = AnsiColor::BrightGreen.on_default().effects(Effects::BOLD);
pub const HELP: Style = AnsiColor::BrightCyan.on_default().effects(Effects::BOLD);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
    VeryVerbose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Parse `--color` / `term.color` values.
    pub fn parse(s: &str) -> anyhow::Result<ColorChoice> {
        match s {
            "auto" => Ok(ColorChoice::Auto),
            "always" => Ok(ColorChoice::Always),
            "never" => Ok(ColorChoice::Never),
            other => anyhow::bail!(
                "argument for --color must be auto, always, or never, but found `{other}`"
            ),
        }
    }
}

enum Sink {
    Stderr(std::io::Stderr),
    Buffer(Box<dyn Write + Send>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stderr(s) => s.write(buf),
            Sink::Buffer(b) => b.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stderr(s) => s.flush(),
            Sink::Buffer(b) => b.flush(),
        }
    }
}

pub struct Shell {
    err: Sink,
    out: Box<dyn Write + Send>,
    err_is_tty: bool,
    color: ColorChoice,
    use_color: bool,
    verbosity: Verbosity,
    /// A progress bar is on the last line of stderr (to clear first).
    progress_shown: bool,
    /// `term.progress.when`.
    progress_when: ProgressWhen,
    /// `term.progress.width`.
    progress_width: Option<usize>,
    /// Messages written to stderr so far: warnings, errors, notes and raw
    /// text (diagnostics); status lines and progress bars aside.
    messages: u64,
}

/// `term.progress.when`: whether progress bars are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgressWhen {
    /// On a terminal at normal verbosity.
    #[default]
    Auto,
    Always,
    Never,
}

impl ProgressWhen {
    pub fn parse(s: &str) -> anyhow::Result<ProgressWhen> {
        match s {
            "auto" => Ok(ProgressWhen::Auto),
            "always" => Ok(ProgressWhen::Always),
            "never" => Ok(ProgressWhen::Never),
            other => anyhow::bail!(
                "error in `term.progress.when`: unknown variant `{other}`, expected one of `auto`, `never`, `always`"
            ),
        }
    }
}

/// One progress line: `    Building [=====>    ] 3/10: a, b`, with
/// `status` already padded (and painted), cut to `width` columns.
pub fn render_progress(status: &str, done: usize, total: usize, msg: &str, width: usize) -> String {
    let counts = format!(" {done}/{total}");
    // The bar leaves room for the status, the counts and some names.
    let bar_width = width.saturating_sub(40).clamp(10, 50);
    let filled = (bar_width * done / total.max(1)).min(bar_width);
    let mut bar = "=".repeat(filled);
    if filled < bar_width {
        bar.push('>');
        bar.push_str(&" ".repeat(bar_width - filled - 1));
    }
    let mut line = format!("{status} [{bar}]{counts}");
    if !msg.is_empty() {
        let room = width.saturating_sub(12 + bar_width + 3 + counts.len() + 2);
        let msg: String = msg.chars().take(room).collect();
        if !msg.is_empty() {
            line.push_str(": ");
            line.push_str(&msg);
        }
    }
    line
}

impl Shell {
    /// A shell on the real stderr and stdout.
    pub fn new() -> Shell {
        let err_is_tty = std::io::stderr().is_terminal();
        let mut shell = Shell {
            err: Sink::Stderr(std::io::stderr()),
            out: Box::new(std::io::stdout()),
            err_is_tty,
            color: ColorChoice::Auto,
            use_color: false,
            verbosity: Verbosity::Normal,
            progress_shown: false,
            progress_when: ProgressWhen::Auto,
            progress_width: None,
            messages: 0,
        };
        shell.set_color_choice(ColorChoice::Auto, None);
        shell
    }

    /// A shell writing to the given sinks, never coloured (for tests).
    pub fn from_write(err: Box<dyn Write + Send>, out: Box<dyn Write + Send>) -> Shell {
        Shell {
            err: Sink::Buffer(err),
            out,
            err_is_tty: false,
            color: ColorChoice::Never,
            use_color: false,
            verbosity: Verbosity::Normal,
            progress_shown: false,
            progress_when: ProgressWhen::Auto,
            progress_width: None,
            messages: 0,
        }
    }

    /// How many messages (not status lines) went to stderr so far: a
    /// command can tell whether anything was said between two points.
    pub fn messages_written(&self) -> u64 {
        self.messages
    }

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    pub fn set_verbosity(&mut self, v: Verbosity) {
        self.verbosity = v;
    }

    pub fn color_choice(&self) -> ColorChoice {
        self.color
    }

    pub fn is_err_tty(&self) -> bool {
        self.err_is_tty
    }

    /// Decide whether stderr gets colour. `term` is `$TERM`; `dumb` disables
    /// it under `auto`, as does `NO_COLOR` (handled by the caller).
    pub fn set_color_choice(&mut self, choice: ColorChoice, term: Option<&str>) {
        self.color = choice;
        self.use_color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                matches!(self.err, Sink::Stderr(_)) && self.err_is_tty && term != Some("dumb")
            }
        };
    }

    pub fn err_supports_color(&self) -> bool {
        self.use_color
    }

    /// Whether output to stdout may be coloured: `--color always`, or
    /// `auto` on a terminal.
    pub fn out_supports_color(&self) -> bool {
        use std::io::IsTerminal as _;
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => std::io::stdout().is_terminal(),
        }
    }

    pub fn err(&mut self) -> &mut dyn Write {
        self.clear_progress();
        self.messages += 1;
        &mut self.err
    }

    /// Whether a progress bar may be drawn: `term.progress.when` (by
    /// default a terminal), at normal verbosity.
    pub fn progress_enabled(&self) -> bool {
        let when = match self.progress_when {
            ProgressWhen::Auto => self.err_is_tty,
            ProgressWhen::Always => true,
            ProgressWhen::Never => false,
        };
        when && self.verbosity == Verbosity::Normal
    }

    /// Apply `term.progress.when` and `term.progress.width`.
    pub fn set_progress(&mut self, when: ProgressWhen, width: Option<usize>) {
        self.progress_when = when;
        self.progress_width = width;
    }

    /// `term.progress.width`, when configured.
    pub fn progress_width(&self) -> Option<usize> {
        self.progress_width
    }

    /// A progress status word, right-aligned and painted as cargo's.
    pub fn progress_status(&self, status: &str) -> String {
        self.paint(
            &format!("{status:>12}"),
            AnsiColor::BrightCyan.on_default().effects(Effects::BOLD),
        )
    }

    /// Draw `    Building [=====>    ] 3/10: a, b` on the last line of
    /// stderr, replacing the previous bar. `width` is the terminal's
    /// (`term.progress.width` wins).
    pub fn progress(&mut self, done: usize, total: usize, names: &str, width: usize) {
        if !self.progress_enabled() || total == 0 {
            return;
        }
        let width = self.progress_width.unwrap_or(width);
        let line = render_progress(&self.progress_status("Building"), done, total, names, width);
        let _ = write!(self.err, "\r\x1b[K{line}");
        let _ = self.err.flush();
        self.progress_shown = true;
    }

    /// Remove the progress bar, if one is shown.
    pub fn clear_progress(&mut self) {
        if self.progress_shown {
            let _ = write!(self.err, "\r\x1b[K");
            self.progress_shown = false;
        }
    }

    pub fn out(&mut self) -> &mut dyn Write {
        &mut self.out
    }

    /// `    Creating foo` — a right-aligned, 12-column status word.
    pub fn status(&mut self, status: impl Display, message: impl Display) -> std::io::Result<()> {
        self.status_with_style(status, message, HEADER)
    }

    pub fn status_with_style(
        &mut self,
        status: impl Display,
        message: impl Display,
        style: Style,
    ) -> std::io::Result<()> {
        if self.verbosity == Verbosity::Quiet {
            return Ok(());
        }
        self.clear_progress();
        let status = format!("{status:>12}");
        let status = self.paint(&status, style);
        writeln!(self.err, "{status} {message}")
    }

    /// `status` only under `--verbose`.
    pub fn verbose_status(
        &mut self,
        status: impl Display,
        message: impl Display,
    ) -> std::io::Result<()> {
        if self.verbosity >= Verbosity::Verbose {
            self.status(status, message)?;
        }
        Ok(())
    }

    pub fn error(&mut self, message: impl Display) -> std::io::Result<()> {
        self.labelled("error", ERROR, message)
    }

    pub fn warn(&mut self, message: impl Display) -> std::io::Result<()> {
        if self.verbosity == Verbosity::Quiet {
            return Ok(());
        }
        self.labelled("warning", WARN, message)
    }

    pub fn note(&mut self, message: impl Display) -> std::io::Result<()> {
        if self.verbosity == Verbosity::Quiet {
            return Ok(());
        }
        self.labelled("note", NOTE, message)
    }

    pub fn help(&mut self, message: impl Display) -> std::io::Result<()> {
        self.labelled("help", HELP, message)
    }

    fn labelled(
        &mut self,
        label: &str,
        style: Style,
        message: impl Display,
    ) -> std::io::Result<()> {
        self.clear_progress();
        self.messages += 1;
        // cargo paints the label only; the colon stays plain.
        let label = self.paint(label, style);
        writeln!(self.err, "{label}: {message}")
    }

    fn paint(&self, text: &str, style: Style) -> String {
        if self.use_color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// Print an error with its `Caused by:` chain, as cargo does.
    /// The chain stops at an [`AlreadyPrintedError`].
    pub fn print_error(&mut self, err: &anyhow::Error) {
        // A `VerboseError` and what it wraps show only with `--verbose`.
        let verbose = self.verbosity >= Verbosity::Verbose;
        let printed = |e: &(dyn std::error::Error + 'static)| {
            e.is::<crate::errors::AlreadyPrintedError>()
                || (!verbose && e.is::<crate::errors::VerboseError>())
        };
        let mut chain = err.chain();
        match chain.next() {
            Some(first) if !printed(first) => {
                let _ = self.error(first);
            }
            _ => return,
        }
        for cause in chain.take_while(|e| !printed(*e)) {
            let _ = writeln!(self.err, "\nCaused by:");
            let _ = write!(self.err, "{}", indented_lines(&cause.to_string()));
        }
    }
}

impl Default for Shell {
    fn default() -> Self {
        Shell::new()
    }
}

fn indented_lines(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_string()
            } else {
                format!("  {line}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn shell() -> (Shell, Buf) {
        let buf = Buf::default();
        (
            Shell::from_write(Box::new(buf.clone()), Box::new(Buf::default())),
            buf,
        )
    }

    fn text(b: &Buf) -> String {
        String::from_utf8(b.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn labels_are_painted_without_their_colon_as_cargo_paints_them() {
        let (mut sh, buf) = shell();
        sh.set_color_choice(ColorChoice::Always, None);
        sh.note("n").unwrap();
        sh.warn("w").unwrap();
        assert_eq!(
            text(&buf),
            format!(
                "{}note{}: n\n{}warning{}: w\n",
                NOTE.render(),
                NOTE.render_reset(),
                WARN.render(),
                WARN.render_reset()
            )
        );
        // cargo's warning is yellow, not bright yellow.
        assert_eq!(WARN, AnsiColor::Yellow.on_default().effects(Effects::BOLD));
    }

    #[test]
    fn status_is_right_aligned() {
        let (mut sh, buf) = shell();
        sh.status("Creating", "binary (application) `foo` package")
            .unwrap();
        assert_eq!(
            text(&buf),
            "    Creating binary (application) `foo` package\n"
        );
    }

    #[test]
    fn quiet_hides_status_and_warnings_not_errors() {
        let (mut sh, buf) = shell();
        sh.set_verbosity(Verbosity::Quiet);
        sh.status("Creating", "x").unwrap();
        sh.warn("w").unwrap();
        sh.error("e").unwrap();
        assert_eq!(text(&buf), "error: e\n");
    }

    #[test]
    fn progress_bar_is_drawn_then_cleared_before_other_output() {
        let (mut sh, buf) = shell();
        sh.progress(1, 4, "a", 80);
        assert_eq!(text(&buf), "");
        sh.err_is_tty = true;
        sh.progress(1, 4, "a, b", 80);
        let drawn = text(&buf);
        assert!(
            drawn.starts_with("\r\x1b[K    Building [==========>   "),
            "{drawn:?}"
        );
        assert!(drawn.ends_with("] 1/4: a, b"), "{drawn:?}");
        sh.status("Compiling", "x").unwrap();
        assert!(text(&buf).ends_with("a, b\r\x1b[K   Compiling x\n"));
        sh.set_verbosity(Verbosity::Verbose);
        assert!(!sh.progress_enabled());
    }

    #[test]
    fn error_chain() {
        let (mut sh, buf) = shell();
        let e = anyhow::anyhow!("inner\nsecond line").context("outer");
        sh.print_error(&e);
        assert_eq!(
            text(&buf),
            "error: outer\n\nCaused by:\n  inner\n  second line\n"
        );
    }

    #[test]
    fn verbose_causes_show_with_verbose_and_printed_errors_never() {
        let cause = || {
            anyhow::Error::new(crate::errors::VerboseError(anyhow::anyhow!(
                "process failed"
            )))
            .context("could not compile")
        };
        let (mut sh, buf) = shell();
        sh.print_error(&cause());
        assert_eq!(text(&buf), "error: could not compile\n");
        let (mut sh, buf) = shell();
        sh.set_verbosity(Verbosity::Verbose);
        sh.print_error(&cause());
        assert_eq!(
            text(&buf),
            "error: could not compile\n\nCaused by:\n  process failed\n"
        );
        let (mut sh, buf) = shell();
        sh.print_error(&anyhow::Error::new(crate::errors::AlreadyPrintedError(
            "1 job failed".into(),
        )));
        assert_eq!(text(&buf), "");
    }
}
