//! A progress bar for long commands (`build`, `docs`, `lint` of a large repository), on
//! stderr, only when stderr is a terminal, and only once the work has taken a while: a
//! quick run prints nothing extra, a pipe or CI log gets no escape codes.
//!
//! ```ignore
//! let progress = Progress::new("Building", 3, quiet);
//! progress.step("reading content");   // counts the step before, names this one
//! load();
//! progress.step("checking");
//! check();
//! progress.finish();
//! ```

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before the bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress bar that stays hidden when stderr is not a terminal, in CI (`CI` set), with
/// `--quiet`, and until the work has run for a second.
pub struct Progress {
    bar: ProgressBar,
    started: std::cell::Cell<bool>,
}

impl Progress {
    pub fn new(label: &str, total: u64, quiet: bool) -> Progress {
        let visible = !quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if visible {
            let style =
                ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(label.to_owned());
            let shown = bar.clone();
            // Reveal the bar only for slow work, from a timer thread that ends with the bar.
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress {
            bar,
            started: std::cell::Cell::new(false),
        }
    }

    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// Starts the next step of the work: counts the one before (if any) and shows `name`.
    pub fn step(&self, name: impl Into<String>) {
        if self.started.replace(true) {
            self.inc();
        }
        self.set_message(name);
    }

    /// Runs `f` (which prints to stderr) with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Shows what is being worked on (a file name, say).
    pub fn set_message(&self, message: impl Into<String>) {
        self.bar.set_message(message.into());
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;

    #[test]
    fn a_quick_run_draws_nothing_and_finishes_cleanly() {
        // Under `cargo test` stderr is captured (not a terminal): the bar stays hidden.
        let progress = Progress::new("Testing", 3, false);
        for step in ["one", "two", "three"] {
            progress.step(step);
        }
        assert_eq!(progress.bar.position(), 2, "the last step is running");
        progress.finish();
        assert!(progress.bar.is_finished());
        assert!(progress.bar.is_hidden());
    }
}
