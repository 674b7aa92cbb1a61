//! Progress on the terminal: the library's [`Progress`] drawn with `indicatif` (a spinner
//! when the total is unknown, else a bar with the rate and ETA). Nothing is drawn when
//! stderr is not a terminal (indicatif's own rule) or with `--quiet`.

use std::sync::Mutex;
use std::time::Duration;

use fireplan::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// The step being shown, if any.
#[derive(Default)]
pub struct TerminalProgress {
    bar: Mutex<Option<ProgressBar>>,
}

impl TerminalProgress {
    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(guard) = self.bar.lock() {
            if let Some(pb) = guard.as_ref() {
                f(pb);
            }
        }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, message: &str, total: Option<u64>) {
        let pb = match total {
            None => {
                let pb = ProgressBar::new_spinner();
                pb.set_style(
                    ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                pb.enable_steady_tick(Duration::from_millis(120));
                pb
            }
            Some(n) => {
                let pb = ProgressBar::new(n);
                pb.set_style(
                    ProgressStyle::with_template(
                        "{msg} {bar:30} {pos}/{len} [{elapsed} elapsed, ETA {eta}]",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                pb
            }
        };
        pb.set_message(message.to_string());
        if let Ok(mut guard) = self.bar.lock() {
            if let Some(old) = guard.replace(pb) {
                old.finish_and_clear();
            }
        }
    }

    fn message(&self, message: &str) {
        self.with_bar(|pb| pb.set_message(message.to_string()));
    }

    fn advance(&self, n: u64) {
        self.with_bar(|pb| pb.inc(n));
    }

    fn finish(&self) {
        if let Ok(mut guard) = self.bar.lock() {
            if let Some(pb) = guard.take() {
                pb.finish_and_clear();
            }
        }
    }
}
