//! Progress on the terminal: the library's [`Progress`] drawn with `indicatif` (a spinner
//! when the total is unknown, else a bar with the rate and ETA). When a step finishes its
//! display is replaced by one line saying what was done, how many items of how many and in
//! what time (`✓ writing tables and maps: 12/12 in 1.3 s`), so the wall time of a run is
//! accounted for step by step. Nothing is drawn when stderr is not a terminal (indicatif's
//! own rule) or with `--quiet`.

use std::sync::Mutex;
use std::time::Duration;

use fireplan::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// The step being shown: its bar and the name it started with (its message may change
/// while it runs; the final line names the step).
struct Step {
    bar: ProgressBar,
    title: String,
}

/// The step being shown, if any.
#[derive(Default)]
pub struct TerminalProgress {
    step: Mutex<Option<Step>>,
}

impl TerminalProgress {
    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(guard) = self.step.lock() {
            if let Some(s) = guard.as_ref() {
                f(&s.bar);
            }
        }
    }
}

/// The line a finished step leaves: `✓ TITLE in 1.3 s`, with `: 12/12` for a bar.
pub fn final_line(title: &str, done: u64, total: Option<u64>, elapsed: Duration) -> String {
    let items = match total {
        Some(n) => format!(": {done}/{n}"),
        None => String::new(),
    };
    format!("✓ {title}{items} in {:.1} s", elapsed.as_secs_f64())
}

/// Replaces the step's display with its [`final_line`].
fn close(step: Step) {
    let bar = &step.bar;
    let line = final_line(&step.title, bar.position(), bar.length(), bar.elapsed());
    bar.set_style(
        ProgressStyle::with_template("{msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.finish_with_message(line);
}

impl Progress for TerminalProgress {
    fn start(&self, message: &str, total: Option<u64>) {
        let pb = match total {
            None => {
                let pb = ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                // The message first: a tick before it would draw an empty line.
                pb.set_message(message.to_string());
                pb.enable_steady_tick(Duration::from_millis(120));
                pb
            }
            Some(n) => {
                let pb = ProgressBar::new(n).with_style(
                    ProgressStyle::with_template(
                        "{msg} {bar:30} {pos}/{len} [{elapsed} elapsed, ETA {eta}]",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                pb.set_message(message.to_string());
                pb
            }
        };
        if let Ok(mut guard) = self.step.lock() {
            let next = Step {
                bar: pb,
                title: message.to_string(),
            };
            if let Some(old) = guard.replace(next) {
                close(old);
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
        if let Ok(mut guard) = self.step.lock() {
            if let Some(step) = guard.take() {
                close(step);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::final_line;
    use std::time::Duration;

    #[test]
    fn final_lines_name_the_step_its_items_and_time() {
        assert_eq!(
            final_line(
                "writing tables and maps",
                12,
                Some(12),
                Duration::from_millis(1260)
            ),
            "✓ writing tables and maps: 12/12 in 1.3 s"
        );
        assert_eq!(
            final_line("computing coverage", 0, None, Duration::from_millis(40)),
            "✓ computing coverage in 0.0 s"
        );
    }
}
