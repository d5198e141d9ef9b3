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
}

/// How many units were running, ready to run but waiting for a job
/// slot, and waiting for their dependencies, at one moment.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Concurrency {
    pub t: f64,
    pub active: usize,
    pub waiting: usize,
    pub inactive: usize,
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
}

impl Timings {
    pub fn new(units: usize) -> Timings {
        Timings {
            began: Instant::now(),
            units: vec![None; units],
            starts: vec![None; units],
            concurrency: Vec::new(),
            total: 0.0,
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
        let c = Concurrency {
            t,
            active,
            waiting,
            inactive,
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

    /// The units that started, in start order.
    pub fn recorded(&self) -> Vec<UnitTime> {
        let mut out: Vec<UnitTime> = self.units.iter().flatten().cloned().collect();
        out.sort_by(|a, b| a.start.total_cmp(&b.start));
        out
    }
}
