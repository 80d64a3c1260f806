use super::*;

/// How many files each worker thread takes per round when each file's export is rendered:
/// enough to keep every core busy, few enough that the rendered exports waiting for their turn
/// stay small.
pub(super) const FILES_PER_THREAD_AND_ROUND: usize = 64;

/// How many files each worker thread takes per round when nothing is rendered (`lint`): a file
/// then leaves only its result, and every round ends with a core waiting for the last file of
/// the other, so fewer rounds are faster (3% on the bench's 1,000 guides with two threads).
pub(super) const FILES_PER_THREAD_AND_ROUND_UNRENDERED: usize = 512;

/// Analyses the files in rounds over the worker threads, collecting each round (its exports to
/// `sink`, its ids into the index) while the next is analysed.
pub(super) fn schedule<R: Send>(
    jobs: Vec<Job>,
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
    let round = per_thread * rayon::current_num_threads().max(1);
    let mut collector = Collector {
        index: IdIndex::with_capacity(jobs.len()),
        pending: Vec::new(),
        repeated: HashSet::new(),
        cross: Vec::new(),
        results: Vec::with_capacity(jobs.len()),
        dangling_on,
        titles: config
            .severity(rules::DuplicateTitle::ID)
            .map(|_| HashMap::new()),
        index_out,
        findings_out,
        index_changed: false,
        findings_changed: false,
        kept: Kept::default(),
        all_reported: jobs.iter().all(|job| job.reported),
    };
    let mut jobs = jobs;
    let mut previous: Option<Vec<Analysed<R>>> = None;
    loop {
        // The files still to come move into a vector of their own size, so that the room of
        // the files done is given back as the run goes (10,000 jobs took 1.3 MB to the end).
        let rest = jobs.split_off(round.min(jobs.len()));
        let mut batch = std::mem::replace(&mut jobs, rest);
        if batch.is_empty() {
            break;
        }
        cache_in.give(&mut batch);
        // The previous round is collected (and its export written) while this one is
        // analysed, so that no core waits for the sequential part.
        let (done, collected) = rayon::join(
            || {
                batch
                    .into_par_iter()
                    .map(|job| analyse(job, shared, render))
                    .collect::<Vec<_>>()
            },
            || match previous.take() {
                Some(done) => collector.collect(done, &mut *sink),
                None => Ok(()),
            },
        );
        collected?;
        previous = Some(done);
    }
    if let Some(done) = previous {
        collector.collect(done, &mut *sink)?;
    }
    Ok(collector)
}
