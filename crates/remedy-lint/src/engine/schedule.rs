use std::sync::Mutex;

use super::*;

/// How many files each worker thread takes per round when each file's export is rendered:
/// enough to keep every core busy, few enough that the rendered exports waiting for their turn
/// stay small.
pub(super) const FILES_PER_THREAD_AND_ROUND: usize = 64;

/// How many files each worker thread takes per round when nothing is rendered (`lint`): two
/// rounds are in memory at once (one analysed, one collected), and with 512 a thread that was
/// 2 MB more at 10,000 guides than at 1,000 (one round); a round ends with a core waiting for
/// the other's last file, which with a file a job (`with_max_len(1)`) is one file's time.
pub(super) const FILES_PER_THREAD_AND_ROUND_UNRENDERED: usize = 128;

/// The worker threads a run analyses its files on: a pool of `-j` threads, or rayon's global
/// pool.
#[derive(Clone, Copy)]
pub(super) struct Workers<'p>(pub(super) Option<&'p rayon::ThreadPool>);

impl Workers<'_> {
    fn threads(self) -> usize {
        match self.0 {
            Some(pool) => pool.current_num_threads(),
            None => rayon::current_num_threads(),
        }
        .max(1)
    }

    /// Runs `job` on a worker, without waiting for it.
    pub(super) fn spawn(self, job: impl FnOnce() + Send + 'static) {
        match self.0 {
            Some(pool) => pool.spawn(job),
            None => rayon::spawn(job),
        }
    }

    /// Runs `here` on the calling thread while the jobs it spawns run on the workers; returns
    /// when all of them are done.
    fn scope<'s, T>(self, here: impl FnOnce(&rayon::Scope<'s>) -> T) -> T {
        match self.0 {
            Some(pool) => pool.in_place_scope(here),
            None => rayon::in_place_scope(here),
        }
    }
}

/// Analyses the files in rounds over the worker threads, collecting each round (its exports to
/// `sink`, its ids into the index) on the calling thread while the next is analysed.
///
/// The collecting thread is never a worker: what lives to the end of the run (the index, the
/// results) is allocated there, apart from the workers' short-lived documents. A worker's
/// heap that held a few such survivors among each file's freed blocks kept its pages, so the
/// resident memory grew with the corpus well beyond the survivors themselves.
pub(super) fn schedule<R: Send>(
    jobs: Vec<Job>,
    workers: Workers<'_>,
    shared: &Shared<'_>,
    cache_in: &mut reuse::CacheIn,
    (index_out, findings_out): (Option<cache::EntryWriter>, Option<cache::EntryWriter>),
    render: &(dyn Fn(&LintedGuide) -> R + Sync),
    sink: &mut (dyn FnMut(R) + Send),
) -> Result<Collector, LintError> {
    let config = shared.config;
    let dangling_on = config.severity(DanglingReference::ID).is_some();
    let per_thread = if std::mem::size_of::<R>() == 0 {
        FILES_PER_THREAD_AND_ROUND_UNRENDERED
    } else {
        FILES_PER_THREAD_AND_ROUND
    };
    let round = per_thread * workers.threads();
    let mut collector = Collector {
        index: GuideTable::with_capacity(jobs.len()),
        pending: Vec::new(),
        repeated: HashSet::new(),
        cross: Vec::new(),
        results: Vec::with_capacity(jobs.len()),
        dangling_on,
        // Sized once, as the index is: a map that doubles leaves its smaller tables behind.
        titles: config
            .severity(rules::DuplicateTitle::ID)
            .map(|_| HashMap::with_capacity(jobs.len())),
        index_out,
        findings_out,
        index_changed: false,
        findings_changed: false,
        kept: Kept::default(),
        all_reported: jobs.iter().all(|job| job.reported),
    };
    // The last files first, so that each round is split off the end: the vector left keeps
    // its place and gives the round's room back (`shrink_to_fit`), where a vector of the rest,
    // made anew for every round, left a hole of the size of the rest each round.
    let mut jobs = jobs;
    jobs.reverse();
    let mut previous: Option<Vec<Analysed<R>>> = None;
    // Rounds the collector is done with, freed by the first worker to start a file after
    // (see `Collector::collect`: this thread frees none of the workers' blocks).
    let emptied: Mutex<Vec<Vec<Analysed<R>>>> = Mutex::new(Vec::new());
    let free_emptied = || {
        let round = emptied.try_lock().ok().and_then(|mut rounds| rounds.pop());
        drop(round);
    };
    loop {
        // The room of the files done is given back as the run goes (10,000 jobs took 1.3 MB
        // to the end).
        let mut batch = jobs.split_off(jobs.len().saturating_sub(round));
        if batch.is_empty() {
            break;
        }
        jobs.shrink_to_fit();
        batch.reverse();
        cache_in.give(&mut batch);
        // The previous round is collected (and its export written) while this one is
        // analysed, so that no core waits for the sequential part.
        let mut done = Vec::new();
        let collected: Result<(), LintError> = workers.scope(|scope| {
            let done = &mut done;
            let free_emptied = &free_emptied;
            scope.spawn(move |_| {
                *done = batch
                    .into_par_iter()
                    // A file a job: rayon otherwise runs up to 32 files of a round as one
                    // sequential piece, and a few named files that sit together in a round
                    // (an export's) were all analysed by one thread.
                    .with_max_len(1)
                    .map(|job| {
                        free_emptied();
                        analyse(job, shared, render)
                    })
                    .collect::<Vec<_>>();
            });
            if let Some(previous) = previous.take() {
                let round = collector.collect(previous, &mut *sink)?;
                if let Ok(mut rounds) = emptied.lock() {
                    rounds.push(round);
                }
            }
            Ok(())
        });
        collected?;
        previous = Some(done);
    }
    let last = match previous {
        Some(done) => Some(collector.collect(done, &mut *sink)?),
        None => None,
    };
    let left: Vec<_> = emptied.into_inner().unwrap_or_default();
    workers.scope(|scope| scope.spawn(move |_| drop((last, left))));
    Ok(collector)
}
