//! Printing results: `--output table` (default, for people) or `--output json` (ARM shapes, for scripts),
//! and progress bars on stderr for long operations.

use asegpu_core::error::Result;
use asegpu_core::progress::{Progress, ProgressEvent};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
}

/// Print `value` as JSON, or as a table with the given (header, JSON pointer) columns.
pub fn print(format: Format, value: &Value, columns: &[(&str, &str)]) {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(value).expect("JSON")),
        Format::Table => {
            let rows: Vec<&Value> = match value {
                Value::Array(a) => a.iter().collect(),
                v => vec![v],
            };
            print!("{}", table(&rows, columns));
        }
    }
}

/// A plain aligned text table.
pub fn table(rows: &[&Value], columns: &[(&str, &str)]) -> String {
    let cell = |row: &Value, ptr: &str| match row.pointer(ptr) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    let cells: Vec<Vec<String>> = rows.iter().map(|r| columns.iter().map(|(_, p)| cell(r, p)).collect()).collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, (h, _))| cells.iter().map(|r| r[i].chars().count()).chain([h.len()]).max().unwrap_or(0))
        .collect();
    let line = |vals: Vec<String>| {
        let mut s = vals.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}")).collect::<Vec<_>>().join("  ");
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(columns.iter().map(|(h, _)| h.to_string()).collect());
    out.push_str(&line(widths.iter().map(|w| "-".repeat(*w)).collect()));
    for r in cells {
        out.push_str(&line(r));
    }
    out
}

/// A progress bar (or spinner) on stderr, shown only when stderr is a terminal.
pub struct Bar {
    bar: indicatif::ProgressBar,
}

impl Bar {
    pub fn new(what: &str) -> Bar {
        let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {prefix} [{elapsed_precise}] {wide_msg}")
                    .expect("template"),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_prefix(what.to_string());
        Bar { bar }
    }
    pub fn update(&self, e: &ProgressEvent) {
        if let (Some(done), Some(total)) = (e.bytes_done, e.bytes_total) {
            if self.bar.length() != Some(total) {
                self.bar.set_length(total);
                self.bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg}",
                    )
                    .expect("template"),
                );
            }
            self.bar.set_position(done);
        }
        if e.stage == "warning" {
            self.bar.suspend(|| eprintln!("WARNING: {}", e.message));
        }
        self.bar.set_message(e.message.clone());
    }
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Run a long operation with a progress bar named `what`.
pub async fn with_bar<T>(what: &str, f: impl AsyncFnOnce(&Progress<'_>) -> Result<T>) -> Result<T> {
    let bar = Bar::new(what);
    let sink = |e: &ProgressEvent| bar.update(e);
    let r = f(&Progress::new(&sink)).await;
    bar.finish();
    r
}
