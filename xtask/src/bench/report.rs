//! The markdown report: machine facts, the corpus, every measurement, and the targets of issue 8.

use std::fmt::Write as _;
use std::time::Duration;

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// `parse_floor`: discover, read and parse with positions; nothing else.
    Floor,
    /// `remedy lint`.
    Lint,
    /// `remedy export json`.
    Json,
    /// `remedy export csv`.
    Csv,
    /// `remedy export sqlite`.
    Sqlite,
    /// `remedy export pdf`.
    Pdf,
    /// `remedy export pdf --book`: the handouts and the book of every guide.
    Book,
}

impl Task {
    /// Every task, in report order.
    pub const ALL: [Task; 7] = [
        Task::Floor,
        Task::Lint,
        Task::Json,
        Task::Csv,
        Task::Sqlite,
        Task::Pdf,
        Task::Book,
    ];

    /// How the report names it.
    pub fn label(self) -> &'static str {
        match self {
            Task::Floor => "parse-only floor",
            Task::Lint => "lint",
            Task::Json => "export json",
            Task::Csv => "export csv",
            Task::Sqlite => "export sqlite",
            Task::Pdf => "export pdf",
            Task::Book => "export pdf --book",
        }
    }
}

/// "Near 10 KB a page" (issue 16): a page of a handout or of the book, without images.
const PAGE_KB: f64 = 11.0;

/// A corpus as measured.
#[derive(Debug, Clone, Copy)]
pub struct CorpusFacts {
    /// Number of guides.
    pub guides: usize,
    /// Bytes of YAML.
    pub bytes: u64,
}

/// The result of several runs of one task on one corpus with one thread count.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// What ran.
    pub task: Task,
    /// On which corpus.
    pub corpus: CorpusFacts,
    /// With how many threads (`-j`).
    pub threads: usize,
    /// Wall time of every run.
    pub walls: Vec<Duration>,
    /// CPU time (user + system) of every run.
    pub cpus: Vec<Duration>,
    /// The largest peak RSS over the runs, in bytes.
    pub max_rss: u64,
    /// For PDF: pages and bytes written (one run's worth; for the book, the book's alone).
    pub pages: Option<(u64, u64)>,
}

impl Measurement {
    /// The median wall time, in seconds.
    pub fn seconds(&self) -> f64 {
        super::measure::median(&self.walls).as_secs_f64()
    }

    fn cpu_seconds(&self) -> f64 {
        super::measure::median(&self.cpus).as_secs_f64()
    }

    fn mb_per_s(&self) -> f64 {
        self.corpus.bytes as f64 / 1e6 / self.seconds()
    }

    fn guides_per_s(&self) -> f64 {
        self.corpus.guides as f64 / self.seconds()
    }

    fn spread(&self) -> String {
        let min = self.walls.iter().min().copied().unwrap_or_default();
        let max = self.walls.iter().max().copied().unwrap_or_default();
        format!("{:.2}–{:.2}", min.as_secs_f64(), max.as_secs_f64())
    }
}

/// Facts about the machine, recorded at the top of the report.
#[derive(Debug, Clone, Default)]
pub struct Machine {
    /// `date -u`.
    pub date: String,
    /// Logical CPUs.
    pub cpus: usize,
    /// The CPU model.
    pub cpu_model: String,
    /// Total memory.
    pub memory: String,
    /// `rustc --version`.
    pub rustc: String,
    /// `uname -sr`.
    pub kernel: String,
    /// The 1-minute load average when the measurements started and ended.
    pub load: (f64, f64),
}

/// Everything the report says.
#[derive(Debug, Clone)]
pub struct Report {
    /// The machine.
    pub machine: Machine,
    /// Runs per measurement.
    pub runs: usize,
    /// The generator's version and seed.
    pub generator: String,
    /// Every measurement.
    pub measurements: Vec<Measurement>,
    /// The command that reproduces the report.
    pub command: String,
    /// Sizes where the PDF export was not measured.
    pub pdf_skipped: Vec<usize>,
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

impl Report {
    fn find(&self, task: Task, guides: usize, threads: usize) -> Option<&Measurement> {
        self.measurements
            .iter()
            .find(|m| m.task == task && m.corpus.guides == guides && m.threads == threads)
    }

    fn sizes(&self) -> Vec<usize> {
        let mut sizes: Vec<usize> = self.measurements.iter().map(|m| m.corpus.guides).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes
    }

    fn threads(&self) -> Vec<usize> {
        let mut threads: Vec<usize> = self.measurements.iter().map(|m| m.threads).collect();
        threads.sort_unstable();
        threads.dedup();
        threads
    }

    /// The report as markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(out, "# remedy benchmark\n");
        let _ = writeln!(
            out,
            "{} · {} logical CPUs ({}) · {} RAM · {} · {}  ",
            m.date, m.cpus, m.cpu_model, m.memory, m.kernel, m.rustc
        );
        let _ = writeln!(
            out,
            "`{}` · whole processes, median of {} runs after one warm-up run (page cache warm), the tasks taking turns run by run · corpus generator {}\n",
            self.command, self.runs, self.generator
        );
        let (before, after) = m.load;
        let _ = writeln!(
            out,
            "Load average (1 min) {before:.2} before the measurements, {after:.2} after."
        );
        if before.max(after) > 0.5 * m.cpus as f64 {
            let _ = writeln!(
                out,
                "\n> **The machine was busy with other work** (load average above half its {} CPUs): wall times, and above all the multi-thread speedups, are pessimistic. The CPU-time column and the CPU-time ratios are less sensitive to it.",
                m.cpus
            );
        }
        out.push('\n');

        let _ = writeln!(out, "## Corpora\n");
        let _ = writeln!(
            out,
            "| guides | YAML | mean guide |\n| ---: | ---: | ---: |"
        );
        for size in self.sizes() {
            if let Some(facts) = self.measurements.iter().find(|x| x.corpus.guides == size) {
                let c = facts.corpus;
                let _ = writeln!(
                    out,
                    "| {} | {:.1} MB | {:.1} KB |",
                    c.guides,
                    c.bytes as f64 / 1e6,
                    c.bytes as f64 / 1024.0 / c.guides.max(1) as f64
                );
            }
        }

        let _ = writeln!(out, "\n## Measurements\n");
        let _ = writeln!(
            out,
            "| task | guides | threads | median s | min–max s | CPU s | MB/s | guides/s | pages/s | peak RSS |"
        );
        let _ = writeln!(
            out,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for x in &self.measurements {
            let pages = match x.pages {
                Some((pages, _)) => format!("{:.0}", pages as f64 / x.seconds()),
                None => "–".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.3} | {} | {:.2} | {:.1} | {:.0} | {} | {:.0} MiB |",
                x.task.label(),
                x.corpus.guides,
                x.threads,
                x.seconds(),
                x.spread(),
                x.cpu_seconds(),
                x.mb_per_s(),
                x.guides_per_s(),
                pages,
                mib(x.max_rss)
            );
        }
        if !self.pdf_skipped.is_empty() {
            let sizes: Vec<String> = self.pdf_skipped.iter().map(|s| s.to_string()).collect();
            let _ = writeln!(
                out,
                "\nPDF export is measured on the 1,000-guide corpus only (not on {} guides: it would take many minutes per run).",
                sizes.join(", ")
            );
        }

        let _ = writeln!(out, "\n## Targets (issue 8)\n");
        let _ = writeln!(out, "| target | corpus | threads | measured | |");
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | --- |");
        let threads = self.threads();
        let most = threads.last().copied().unwrap_or(1);
        for size in self.sizes() {
            for &t in &threads {
                if let (Some(floor), Some(lint)) = (
                    self.find(Task::Floor, size, t),
                    self.find(Task::Lint, size, t),
                ) {
                    let ratio = floor.seconds() / lint.seconds();
                    let cpu = floor.cpu_seconds() / lint.cpu_seconds();
                    let _ = writeln!(
                        out,
                        "| lint throughput ≥ 85% of the parse-only floor | {size} | {t} | {:.0}% (by CPU time {:.0}%) | {} |",
                        ratio * 100.0,
                        cpu * 100.0,
                        verdict(ratio >= 0.85)
                    );
                }
            }
        }
        if most > 1 {
            for size in self.sizes() {
                // The database is written by one thread (SQLite), only its rows are rendered
                // in parallel: issue 8's speed-up target is not its own.
                for task in Task::ALL.into_iter().filter(|task| *task != Task::Sqlite) {
                    if let (Some(one), Some(all)) =
                        (self.find(task, size, 1), self.find(task, size, most))
                    {
                        let speedup = one.seconds() / all.seconds();
                        let _ = writeln!(
                            out,
                            "| {most} threads ≥ 1.7× faster than 1: {} | {size} | 1 → {most} | {:.2}× | {} |",
                            task.label(),
                            speedup,
                            verdict(speedup >= 1.7)
                        );
                    }
                }
            }
        }
        let sizes = self.sizes();
        if let (Some(&small), Some(&large)) = (sizes.first(), sizes.last())
            && large > small
        {
            for task in Task::ALL {
                for &t in &threads {
                    if let (Some(a), Some(b)) =
                        (self.find(task, small, t), self.find(task, large, t))
                    {
                        let ratio = b.max_rss as f64 / a.max_rss.max(1) as f64;
                        let _ = writeln!(
                            out,
                            "| peak memory {large} ≤ 1.5× {small}: {} | {small} → {large} | {t} | {:.2}× ({:.0} → {:.0} MiB) | {} |",
                            task.label(),
                            ratio,
                            mib(a.max_rss),
                            mib(b.max_rss),
                            verdict(ratio <= 1.5)
                        );
                    }
                }
            }
        }
        for size in self.sizes() {
            for &t in &threads {
                let Some(lint) = self.find(Task::Lint, size, t) else {
                    continue;
                };
                for task in [Task::Json, Task::Csv] {
                    if let Some(export) = self.find(task, size, t) {
                        let ratio = export.seconds() / lint.seconds();
                        let cpu = export.cpu_seconds() / lint.cpu_seconds();
                        let _ = writeln!(
                            out,
                            "| {} ≤ 1.3× lint time | {size} | {t} | {:.2}× (by CPU time {:.2}×) | {} |",
                            task.label(),
                            ratio,
                            cpu,
                            verdict(ratio <= 1.3)
                        );
                    }
                }
            }
        }
        for x in self.measurements.iter().filter(|x| x.task == Task::Pdf) {
            let per_core = x.seconds() * 1000.0 * x.threads as f64 / x.corpus.guides as f64;
            let _ = writeln!(
                out,
                "| export pdf ≤ 10 ms per handout per core | {} | {} | {:.1} ms | {} |",
                x.corpus.guides,
                x.threads,
                per_core,
                verdict(per_core <= 10.0)
            );
            if let Some((pages, bytes)) = x.pages
                && x.threads == most
            {
                let per_page = bytes as f64 / 1024.0 / pages.max(1) as f64;
                let _ = writeln!(
                    out,
                    "| export pdf near 10 KB per page (≤ {PAGE_KB} KB) | {} | – | {:.1} KB ({} pages, {:.1} per handout) | {} |",
                    x.corpus.guides,
                    per_page,
                    pages,
                    pages as f64 / x.corpus.guides as f64,
                    verdict(per_page <= PAGE_KB)
                );
            }
        }
        for x in self.measurements.iter().filter(|x| x.task == Task::Book) {
            if let Some((pages, bytes)) = x.pages
                && x.threads == most
            {
                let per_page = bytes as f64 / 1024.0 / pages.max(1) as f64;
                let _ = writeln!(
                    out,
                    "| book near 10 KB per page (≤ {PAGE_KB} KB) | {} | – | {:.1} KB ({} pages, {:.1} MB; peak memory {:.0} MiB) | {} |",
                    x.corpus.guides,
                    per_page,
                    pages,
                    bytes as f64 / 1e6,
                    x.max_rss as f64 / (1024.0 * 1024.0),
                    verdict(per_page <= PAGE_KB)
                );
            }
        }
        let _ = writeln!(
            out,
            "\nMB/s = YAML bytes of the corpus / median wall time; ratios compare medians. \
             Timings vary by a few percent between runs on a shared machine: read the min–max column before a verdict near its threshold."
        );
        out
    }
}
