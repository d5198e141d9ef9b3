//! What `--timings` reports: when each unit started and finished (and
//! when its metadata was ready, for pipelining), and how many units were
//! running, ready, or waiting on dependencies over the build. Recorded
//! by the job queue for every build (a few clock reads per unit).

use std::time::Instant;

/// One unit's times, in seconds from the start of the build.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitTime {
    /// `name vX.Y.Z`.
    pub package: String,
    /// `lib`, `bin "foo"`, `build script`, ... (as in cargo's messages).
    pub target: String,
    /// `build`, `check`, `doc`, `test`, `run-custom-build`, ...
    pub mode: String,
    pub start: f64,
    pub duration: f64,
    /// When its `.rmeta` was ready, counted from `start`.
    pub rmeta: Option<f64>,
    /// Judged fresh (nothing ran).
    pub fresh: bool,
    /// Units that could not start before this one finished (or, for
    /// pipelined dependents, produced metadata).
    pub unlocked: usize,
    /// On the build's critical path: the chain of dependencies whose
    /// durations add up to the longest (what a faster machine with more
    /// cores could not shorten).
    pub critical: bool,
}

/// How many units were running, ready to run but waiting for a job
/// slot, and waiting for their dependencies, at one moment.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Concurrency {
    pub t: f64,
    pub active: usize,
    pub waiting: usize,
    pub inactive: usize,
    /// The machine's CPU use since the previous sample, in percent
    /// (`None` where `/proc/stat` cannot be read).
    pub cpu: Option<f64>,
}

/// Busy and total CPU time so far, from `/proc/stat`'s first line.
fn cpu_times() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text.lines().next()?.strip_prefix("cpu ")?;
    let v: Vec<u64> = line
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal ...
    let idle = v.get(3)? + v.get(4).copied().unwrap_or(0);
    let total: u64 = v.iter().take(8).sum();
    Some((total - idle, total))
}

/// The recorder the job queue fills.
#[derive(Debug)]
pub struct Timings {
    began: Instant,
    pub units: Vec<Option<UnitTime>>,
    starts: Vec<Option<Instant>>,
    pub concurrency: Vec<Concurrency>,
    /// Total wall time of the queue, set when it drains.
    pub total: f64,
    /// Each unit's dependencies (indices).
    deps: Vec<Vec<usize>>,
    /// CPU times at the last sample.
    cpu_at: Option<(u64, u64)>,
}

impl Timings {
    pub fn new(units: usize) -> Timings {
        Timings {
            began: Instant::now(),
            units: vec![None; units],
            starts: vec![None; units],
            concurrency: Vec::new(),
            total: 0.0,
            cpu_at: cpu_times(),
            deps: vec![Vec::new(); units],
        }
    }

    /// Timings read back from a session log (`report timings`): each
    /// unit's times, dependencies (indices into `units`) and the total.
    pub fn from_log(units: Vec<Option<UnitTime>>, deps: Vec<Vec<usize>>, total: f64) -> Timings {
        let n = units.len();
        Timings {
            began: Instant::now(),
            units,
            starts: vec![None; n],
            concurrency: Vec::new(),
            total,
            deps,
            cpu_at: None,
        }
    }

    fn now(&self) -> f64 {
        self.began.elapsed().as_secs_f64()
    }

    /// Unit `i` began (or was found fresh, then `ended` follows at once).
    pub fn started(
        &mut self,
        i: usize,
        package: String,
        target: String,
        mode: String,
        fresh: bool,
    ) {
        let start = self.now();
        if let Some(slot) = self.starts.get_mut(i) {
            *slot = Some(Instant::now());
        }
        if let Some(slot) = self.units.get_mut(i) {
            *slot = Some(UnitTime {
                package,
                target,
                mode,
                start,
                duration: 0.0,
                rmeta: None,
                fresh,
                unlocked: 0,
                critical: false,
            });
        }
    }

    pub fn rmeta(&mut self, i: usize) {
        let at = self
            .starts
            .get(i)
            .copied()
            .flatten()
            .map(|s| s.elapsed().as_secs_f64());
        if let Some(Some(u)) = self.units.get_mut(i) {
            u.rmeta = at;
        }
    }

    pub fn ended(&mut self, i: usize, unlocked: usize) {
        let took = self
            .starts
            .get(i)
            .copied()
            .flatten()
            .map(|s| s.elapsed().as_secs_f64())
            .unwrap_or_default();
        if let Some(Some(u)) = self.units.get_mut(i) {
            u.duration = took;
            u.unlocked = unlocked;
        }
    }

    pub fn sample(&mut self, active: usize, waiting: usize, inactive: usize) {
        let t = self.now();
        let now = cpu_times();
        let cpu = match (self.cpu_at, now) {
            (Some((b0, t0)), Some((b1, t1))) if t1 > t0 => {
                Some(100.0 * (b1.saturating_sub(b0)) as f64 / (t1 - t0) as f64)
            }
            _ => None,
        };
        if now.is_some() {
            self.cpu_at = now;
        }
        let c = Concurrency {
            t,
            active,
            waiting,
            inactive,
            cpu,
        };
        // One sample per moment is enough.
        match self.concurrency.last_mut() {
            Some(last) if (last.t - t).abs() < 1e-4 => *last = c,
            _ => self.concurrency.push(c),
        }
    }

    pub fn finish(&mut self) {
        self.total = self.now();
    }

    /// Record the dependency edges (indices of the units each waits on).
    pub fn set_deps(&mut self, deps: Vec<Vec<usize>>) {
        self.deps = deps;
    }

    /// The units of the longest chain of durations through the
    /// dependency edges (iterative: dependencies first, Kahn's order).
    pub fn critical_path(&self) -> std::collections::BTreeSet<usize> {
        let n = self.units.len();
        let took = |i: usize| {
            self.units
                .get(i)
                .and_then(|u| u.as_ref())
                .map_or(0.0, |u| u.duration)
        };
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut waiting: Vec<usize> = vec![0; n];
        for (i, ds) in self.deps.iter().enumerate() {
            for &d in ds.iter().filter(|&&d| d < n) {
                dependents[d].push(i);
                waiting[i] += 1;
            }
        }
        let mut best = vec![0.0f64; n];
        let mut via: Vec<Option<usize>> = vec![None; n];
        let mut queue: std::collections::VecDeque<usize> =
            (0..n).filter(|&i| waiting[i] == 0).collect();
        while let Some(i) = queue.pop_front() {
            best[i] += took(i);
            for &k in &dependents[i] {
                if best[i] > best[k] {
                    best[k] = best[i];
                    via[k] = Some(i);
                }
                waiting[k] -= 1;
                if waiting[k] == 0 {
                    queue.push_back(k);
                }
            }
        }
        let mut out = std::collections::BTreeSet::new();
        let mut at = (0..n).max_by(|&a, &b| best[a].total_cmp(&best[b]));
        while let Some(i) = at {
            if !out.insert(i) {
                break;
            }
            at = via[i];
        }
        out
    }

    /// The units that started, in start order.
    pub fn recorded(&self) -> Vec<UnitTime> {
        let critical = self.critical_path();
        let mut out: Vec<UnitTime> = self
            .units
            .iter()
            .enumerate()
            .filter_map(|(i, u)| {
                let mut u = u.clone()?;
                u.critical = critical.contains(&i);
                Some(u)
            })
            .collect();
        out.sort_by(|a, b| a.start.total_cmp(&b.start));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_path_follows_the_longest_chain() {
        // 0 -> 2, 1 -> 2, 2 -> 3; 1 is slower than 0.
        let mut t = Timings::new(4);
        for i in 0..4 {
            t.started(i, format!("p{i}"), "lib".into(), "build".into(), false);
        }
        t.set_deps(vec![vec![], vec![], vec![0, 1], vec![2]]);
        for (i, d) in [1.0, 3.0, 2.0, 0.5].into_iter().enumerate() {
            if let Some(Some(u)) = t.units.get_mut(i) {
                u.duration = d;
            }
        }
        assert_eq!(
            t.critical_path().into_iter().collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        let marked: Vec<bool> = {
            let mut r = t.recorded();
            r.sort_by(|a, b| a.package.cmp(&b.package));
            r.iter().map(|u| u.critical).collect()
        };
        assert_eq!(marked, vec![false, true, true, true]);
    }
}
