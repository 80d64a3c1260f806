//! Running a command as a whole process: wall time, exit status and peak memory.

use std::fs::File;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// One run of a command.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Wall-clock time from spawn to exit.
    pub wall: Duration,
    /// The child's peak resident set size, in bytes. It counts this process's own peak at the
    /// child's start (the child begins as a copy of it), so nothing large may be loaded here
    /// before the children it compares are run.
    pub max_rss: u64,
    /// User plus system CPU time of the child.
    pub cpu: Duration,
}

/// Runs `command` once, with stdout and stderr going to `log` (a path prefix: `.out`, `.err`).
pub fn run_once(command: &mut Command, log: &Path) -> Result<Sample, String> {
    let out = File::create(log.with_extension("out"))
        .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = File::create(log.with_extension("err"))
        .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    let start = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    let (status, usage) = wait4(child.id())
        .map_err(|e| format!("cannot wait for {:?}: {e}", command.get_program()))?;
    let wall = start.elapsed();
    // `child` was reaped by wait4; dropping it neither waits nor kills.
    drop(child);
    if !status.success() {
        let stderr = std::fs::read_to_string(log.with_extension("err")).unwrap_or_default();
        let stdout = std::fs::read_to_string(log.with_extension("out")).unwrap_or_default();
        let tail = |text: &str| {
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(30)..].join("\n")
        };
        return Err(format!(
            "{} failed ({status}):\n--- stdout (last lines)\n{}\n--- stderr (last lines)\n{}",
            describe(command),
            tail(&stdout),
            tail(&stderr)
        ));
    }
    Ok(Sample {
        wall,
        max_rss: usage.max_rss,
        cpu: usage.cpu,
    })
}

/// The command line, for messages.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

struct Usage {
    max_rss: u64,
    cpu: Duration,
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(tv.tv_sec.max(0) as u64) + Duration::from_micros(tv.tv_usec.max(0) as u64)
}

/// `wait4(2)`: the only way to get one child's own peak memory (`ru_maxrss`) without a wrapper
/// process such as `/usr/bin/time` (`getrusage(RUSAGE_CHILDREN)` is the maximum over every child
/// ever waited for, cargo and rustc included).
#[allow(unsafe_code)]
fn wait4(pid: u32) -> std::io::Result<(ExitStatus, Usage)> {
    let pid = libc::pid_t::try_from(pid).map_err(std::io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data, valid when zeroed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live, writable locals of the right types; `pid` is our
        // own child, not yet waited for.
        let result = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if result == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
    let max_rss = u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024; // kilobytes on Linux
    let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
    Ok((ExitStatus::from_raw(status), Usage { max_rss, cpu }))
}

/// The median of some durations (the mean of the middle two for an even count).
pub fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|&m| Duration::from_millis(m))
                .collect::<Vec<_>>()
        };
        assert_eq!(median(&ms(&[5, 1, 3])), Duration::from_millis(3));
        assert_eq!(median(&ms(&[4, 1, 3, 2])), Duration::from_micros(2500));
    }

    #[test]
    fn a_child_is_measured_and_its_failure_reported() -> Result<(), String> {
        let dir = std::env::temp_dir().join(format!("remedy-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let sample = run_once(&mut Command::new("true"), &dir.join("ok"))?;
        assert!(sample.max_rss > 0);
        let failed = run_once(&mut Command::new("false"), &dir.join("fail"));
        assert!(failed.is_err());
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
