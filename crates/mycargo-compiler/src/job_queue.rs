//! The job queue: runs units in dependency order, up to `-j` at once.
//!
//! The main thread owns all state and the shell. It starts a unit when its
//! dependencies are done (or, for pipelined libs, when their `.rmeta` is
//! ready), building the command there, then runs it on a worker thread.
//! Workers report back over one channel: rustc's stderr lines, artifact
//! notices, and the end of the job. Parallelism is governed by a jobserver
//! shared with rustc and build scripts: the first job runs on mycargo's
//! implicit token, each further one on a token from the jobserver's helper
//! thread. After an error nothing new starts (unless `--keep-going`), but
//! running jobs finish.

use mycargo_util::errors::AlreadyPrintedError;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};

use anyhow::Context as _;
use mycargo_util::{Shell, Verbosity};

use crate::build_context::{BuildContext, FileFlavor, MessageFormat, WarningHandling};
use crate::custom_build;
use crate::diagnostics::{RustcLine, parse_line, strip_ansi};
use crate::fingerprint::{self, Freshness};
use crate::rustc_cmd::{Extern, ScriptEffects, rustc_command};
use crate::rustdoc_cmd::rustdoc_command;
use crate::unit::{CompileMode, Unit};

/// What a build produced, for `run` and `test`.
#[derive(Debug, Default)]
pub struct Compilation {
    /// Executables of root units: the unit and the file to run.
    pub executables: Vec<(Unit, PathBuf)>,
    /// What each build script run told cargo (for running tests).
    pub scripts: HashMap<Unit, ScriptEffects>,
    /// When each unit ran (`--timings` only).
    pub timings: Option<crate::timings::Timings>,
    /// rustc's future-incompat reports, by unit, in build order.
    pub future_incompat: Vec<FutureIncompatUnit>,
    /// Warnings of lints (with a code) shown or replayed, for
    /// `build.warnings = "deny"`.
    pub lint_warnings: usize,
}

/// The future-incompat warnings rustc gave for one unit.
#[derive(Debug, Clone)]
pub struct FutureIncompatUnit {
    /// The unit's package (an index into the graph's packages).
    pub pkg: usize,
    pub items: Vec<crate::diagnostics::FutureIncompatItem>,
}

enum Msg {
    Token(std::io::Result<jobserver::Acquired>),
    Stderr(usize, String),
    Stdout(String),
    /// A line for our stderr as is (a build script's, under `-vv`).
    Echo(String),
    Rmeta(usize),
    Done(usize, JobResult),
}

struct JobResult {
    status: std::io::Result<std::process::ExitStatus>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

struct UnitState {
    /// Dependencies not yet satisfied.
    waiting: usize,
    started: bool,
    finished: bool,
    rmeta_sent: bool,
    warnings: usize,
    /// Of them, lints' (for `build.warnings = "deny"`).
    lint_warnings: usize,
    errors: usize,
    /// rustc's diagnostics as JSON lines, kept to replay when the unit is
    /// fresh next time (as cargo does).
    diagnostics: Vec<String>,
    future_incompat: Vec<crate::diagnostics::FutureIncompatItem>,
    /// Warnings not shown again: the same text was shown for another unit.
    duplicates: usize,
    /// Shown warnings `fix` could apply.
    fixable: usize,
    /// Build script run: the parsed effects, for dependents.
    script: Option<ScriptEffects>,
    dep_env: Vec<(String, String)>,
    /// A build script run's `cargo::metadata` pairs.
    metadata: Vec<(String, String)>,
    /// Rebuilt (not fresh) in this build.
    dirty: bool,
    command_line: String,
    /// When its process was started: the reference its inputs are
    /// compared with next time (an edit while it ran makes it stale).
    spawned_at: Option<std::time::SystemTime>,
}

pub fn compile(bcx: &BuildContext<'_>, shell: &mut Shell) -> anyhow::Result<Compilation> {
    bcx.host_layout
        .prepare(&bcx.config.target_dir, &bcx.config.build_dir)?;
    if let Some(l) = &bcx.target_layout {
        l.prepare(&bcx.config.target_dir, &bcx.config.build_dir)?;
    }
    let _lock = lock_build_dir(bcx, shell)?;

    crate::collisions::warn(bcx, shell)?;
    let order = bcx.units.topo_order();
    for u in &order {
        crate::custom_build::write_metabuild(bcx, u)?;
    }
    let index: HashMap<&Unit, usize> = order.iter().enumerate().map(|(i, u)| (u, i)).collect();
    // Edges: deps[i] = (dep index, satisfied by rmeta alone).
    let mut deps: Vec<Vec<(usize, bool)>> = vec![Vec::new(); order.len()];
    let mut dependents: Vec<Vec<(usize, bool)>> = vec![Vec::new(); order.len()];
    for (i, u) in order.iter().enumerate() {
        for d in bcx.units.deps.get(u).into_iter().flatten() {
            let Some(&j) = index.get(&d.unit) else {
                continue;
            };
            let rmeta = pipelines(bcx, u, &d.unit);
            deps[i].push((j, rmeta));
            dependents[j].push((i, rmeta));
        }
    }
    // A unit that links needs every upstream rlib, but its libs may have
    // been built against their own deps' metadata only (pipelining): wait
    // for all of them (cargo's `depend_on_deps_of_deps`).
    let mut extra_waits = vec![0usize; order.len()];
    for (i, u) in order.iter().enumerate() {
        if !links_upstream(bcx, u) {
            continue;
        }
        let mut seen: std::collections::HashSet<usize> = deps[i].iter().map(|&(j, _)| j).collect();
        let mut stack: Vec<usize> = seen.iter().copied().collect();
        while let Some(j) = stack.pop() {
            for &(k, _) in &deps[j] {
                if seen.insert(k) {
                    dependents[k].push((i, false));
                    extra_waits[i] += 1;
                    stack.push(k);
                }
            }
        }
    }
    // A doc test runs after the build but depends on the lib and its
    // dependencies: cargo counts it in the queue's priorities (a lib with
    // doc tests goes before its own test harness under `-j1`).
    let mut with_doctests = dependents.clone();
    for dt in &bcx.units.doctests {
        let v = with_doctests.len();
        with_doctests.push(Vec::new());
        for u in dt.deps.iter().map(|d| &d.unit).chain([&dt.lib]) {
            if let Some(&k) = index.get(u)
                && !with_doctests[k].contains(&(v, false))
            {
                with_doctests[k].push((v, false));
            }
        }
    }
    let mut priority = priorities(&with_doctests);
    priority.truncate(order.len());
    let to_link = link_order(bcx, &order, &deps);

    let mut state: Vec<UnitState> = deps
        .iter()
        .zip(&extra_waits)
        .map(|(d, extra)| UnitState {
            waiting: d.len() + extra,
            started: false,
            finished: false,
            rmeta_sent: false,
            warnings: 0,
            lint_warnings: 0,
            diagnostics: Vec::new(),
            future_incompat: Vec::new(),
            duplicates: 0,
            fixable: 0,
            errors: 0,
            script: None,
            dep_env: Vec::new(),
            metadata: Vec::new(),
            dirty: false,
            command_line: String::new(),
            spawned_at: None,
        })
        .collect();

    // Units not yet started, per package (cargo's `counts`).
    let mut remaining = vec![0usize; bcx.graph.packages.len()];
    for u in &order {
        remaining[u.pkg] += 1;
    }
    let client = jobserver_client(bcx, shell)?;
    let (tx, rx): (Sender<Msg>, Receiver<Msg>) = channel();
    let token_tx = tx.clone();
    let helper = client
        .clone()
        .into_helper_thread(move |t| {
            let _ = token_tx.send(Msg::Token(t));
        })
        .context("failed to start the jobserver helper thread")?;

    let mut tokens: Vec<jobserver::Acquired> = Vec::new();
    let mut requested = 0usize;
    let mut running = 0usize;
    let mut errors = Errors::default();
    let mut announced: BTreeSet<usize> = BTreeSet::new();
    let mut fix_printer = crate::fix_messages::FixPrinter::default();
    // `-Z fine-grain-locking`: each unit's directory is held (shared) for
    // the build.
    let mut unit_locks: Vec<std::fs::File> = Vec::new();
    // Rendered diagnostics already shown, by hash: each is shown once per
    // build, as cargo does.
    let mut shown: HashSet<u64> = HashSet::new();
    let mut verified: BTreeSet<usize> = BTreeSet::new();
    // As cargo, vendored sources are checked while the build is prepared,
    // before anything compiles, when one of their units is stale (units
    // that read a build script's output are judged later, in the loop).
    if let Some(verify) = bcx.graph.verify {
        for (i, unit) in order.iter().enumerate() {
            let reads_script = deps[i]
                .iter()
                .any(|&(j, _)| order[j].mode == CompileMode::RunCustomBuild);
            if !bcx.graph.packages[unit.pkg].vendored
                || verified.contains(&unit.pkg)
                || unit.mode == CompileMode::RunCustomBuild
                || reads_script
                || matches!(
                    fingerprint::check(bcx, unit, &[], &|_| false),
                    Freshness::Fresh
                )
            {
                continue;
            }
            verified.insert(unit.pkg);
            verify(unit.pkg)?;
        }
    }
    let mut compilation = Compilation::default();
    // Recorded only for `--timings` (nothing on the plain build's path).
    let mut timings = bcx.config.timings.then(|| {
        let mut t = crate::timings::Timings::new(order.len());
        t.set_deps(
            deps.iter()
                .map(|d| d.iter().map(|&(j, _)| j).collect())
                .collect(),
        );
        t
    });
    let describe = |unit: &Unit| {
        let m = bcx.graph.packages[unit.pkg].manifest;
        let t = &m.targets[unit.target];
        (
            format!("{} v{}", m.name(), m.version()),
            target_description(t, unit.mode),
            format!("{:?}", unit.mode).to_lowercase(),
        )
    };

    // `-Z build-analysis`: every unit's freshness is judged up front (in
    // build order, a unit dirty when a dependency is) and logged before
    // anything runs, as cargo logs it; the queue then follows it.
    let mut judged: Vec<Option<Freshness>> = vec![None; order.len()];
    if let Some(log) = &bcx.config.analysis {
        for (i, unit) in order.iter().enumerate() {
            let rebuilt = |u: &Unit| {
                deps[i]
                    .iter()
                    .any(|&(j, _)| order[j] == *u && !matches!(judged[j], Some(Freshness::Fresh)))
            };
            let fresh = fingerprint::check(
                bcx,
                unit,
                &state_script(&state, &deps[i], &order, bcx),
                &rebuilt,
            );
            if unit.mode == CompileMode::RunCustomBuild && fresh == Freshness::Fresh {
                reload_script(bcx, unit, &mut state[i])?;
            }
            judged[i] = Some(fresh);
        }
        let at: HashMap<&Unit, usize> = order.iter().enumerate().map(|(i, u)| (u, i)).collect();
        for unit in crate::analysis_log::preorder(bcx.units) {
            if let Some(fresh) = at.get(&unit).and_then(|&i| judged[i].as_ref()) {
                log.fingerprint(&unit, fresh);
            }
        }
    }

    loop {
        // Start what we can: fresh units finish at once, on this thread.
        let mut ready: Vec<usize> = (0..order.len())
            .filter(|&i| !state[i].started && state[i].waiting == 0)
            .collect();
        ready.sort_by_key(|&i| std::cmp::Reverse(priority[i]));
        let stop = errors.count > 0 && !bcx.config.keep_going;
        let mut progressed = false;
        for i in ready {
            if stop {
                break;
            }
            let unit = &order[i];
            // What ran in this build makes its dependents stale (a binary
            // an integration test waits for aside: cargo leaves bins out
            // of fingerprints).
            let rebuilt = |u: &Unit| {
                deps[i]
                    .iter()
                    .any(|&(j, _)| state[j].dirty && order[j] == *u)
            };
            if bcx.config.fine_grain_locking
                && unit.mode != CompileMode::Doc
                && let Some(lock) = lock_unit(bcx, unit)
            {
                unit_locks.push(lock);
            }
            let fresh = match judged[i].take() {
                Some(f) => f,
                None => fingerprint::check(
                    bcx,
                    unit,
                    &state_script(&state, &deps[i], &order, bcx),
                    &rebuilt,
                ),
            };
            let forced = bcx.config.force_rebuild_roots && bcx.units.roots.contains(unit);
            if !forced && let Freshness::Fresh = fresh {
                state[i].started = true;
                if let Some(tm) = &mut timings {
                    let (p, t, m) = describe(unit);
                    tm.started(i, p, t, m, true);
                }
                if unit.mode == CompileMode::RunCustomBuild {
                    reload_script(bcx, unit, &mut state[i])?;
                }
                remaining[unit.pkg] -= 1;
                note_working_on(bcx, shell, unit, &mut announced, &remaining, None)?;
                replay_diagnostics(bcx, shell, unit, i, &mut state, &mut shown)?;
                // As cargo: a fresh unit's uplifted copy is linked again
                // when it is missing or is another build's (RUSTFLAGS
                // switched back to an earlier build's).
                uplift_if_other(bcx, unit)?;
                export_artifacts(bcx, unit)?;
                let _ = finish(&mut state, &dependents, i, false);
                if let Some(tm) = &mut timings {
                    tm.ended(i, dependents[i].len());
                }
                record_executable(bcx, unit, &mut compilation);
                crate::messages::emit_fresh(bcx, shell, unit, state[i].script.as_ref())?;
                progressed = true;
                continue;
            }
            if running > tokens.len() {
                continue;
            }
            if let Some(verify) = bcx.graph.verify
                && bcx.graph.packages[unit.pkg].vendored
                && verified.insert(unit.pkg)
                && let Err(e) = verify(unit.pkg)
            {
                errors.handle(shell, e, true, running);
                state[i].started = true;
                state[i].finished = true;
                continue;
            }
            state[i].started = true;
            state[i].dirty = true;
            fingerprint::clear(bcx, unit);
            remaining[unit.pkg] -= 1;
            let reason = match &fresh {
                Freshness::Dirty(r) => r.as_ref().map(|r| r.text.clone()),
                Freshness::Fresh => None,
            };
            note_working_on(bcx, shell, unit, &mut announced, &remaining, Some(reason))?;
            // An overridden build script: its output is the configuration's.
            if unit.mode == CompileMode::RunCustomBuild
                && let Some(output) = bcx.config.links_override(bcx.graph, unit)
            {
                let result = apply_override(bcx, unit, output, &mut state[i])
                    .and_then(|()| fingerprint::record(bcx, unit, &[], &[], state[i].spawned_at));
                match result {
                    Ok(()) => {
                        let _ = finish(&mut state, &dependents, i, true);
                    }
                    Err(e) => {
                        errors.handle(shell, e, true, running);
                        state[i].finished = true;
                    }
                }
                progressed = true;
                continue;
            }
            let plan = Plan {
                deps: &deps,
                order: &order,
                to_link: &to_link,
            };
            let cmd = match prepare(bcx, unit, i, &plan, &mut state, &client) {
                Ok(c) => c,
                Err(e) => {
                    errors.handle(shell, e, true, running);
                    state[i].finished = true;
                    continue;
                }
            };
            state[i].command_line = display_command_as(&cmd, &bcx.config.shown_as);
            if bcx.config.verbose >= 2 {
                let env = display_env(&cmd, &bcx.config.env);
                state[i].command_line = format!("{env}{}", state[i].command_line);
            }
            if shell.verbosity() >= Verbosity::Verbose {
                shell.status("Running", format!("`{}`", state[i].command_line))?;
            }
            state[i].spawned_at = Some(std::time::SystemTime::now());
            let script = unit.mode == CompileMode::RunCustomBuild;
            // Under `-vv` a build script's output shows as it runs.
            let echo = (script && bcx.config.verbose >= 2).then(|| {
                let m = bcx.graph.packages[unit.pkg].manifest;
                format!("[{} {}] ", m.name(), m.version())
            });
            if let Some(tm) = &mut timings {
                let (p, t, m) = describe(unit);
                tm.started(i, p, t, m, false);
            }
            if let Some(log) = &bcx.config.analysis {
                log.unit_event("unit-started", unit, &[]);
            }
            spawn(cmd, i, script, echo, tx.clone());
            running += 1;
            progressed = true;
        }
        // Tokens are given back only after new jobs had their chance to
        // use them (as cargo does): a token held idle starves rustc's own
        // threads, one given back too early costs a round trip to take again.
        while tokens.len() > running.saturating_sub(1) {
            tokens.pop();
        }
        let waiting_to_start = (0..order.len()).any(|i| !state[i].started && state[i].waiting == 0);
        if running == 0 && !progressed {
            break;
        }
        if running == 0 {
            continue;
        }
        // Ask for tokens for the jobs that could run now.
        if waiting_to_start && !stop && requested + tokens.len() + 1 < running + 2 {
            helper.request_token();
            requested += 1;
        }
        draw_progress(bcx, shell, &order, &state);
        // A sample per change of what runs (not per line of output).
        if progressed && let Some(tm) = &mut timings {
            sample(tm, &state, running);
        }
        let Ok(msg) = rx.recv() else { break };
        match msg {
            Msg::Token(t) => {
                requested = requested.saturating_sub(1);
                tokens.push(t.context("failed to acquire a jobserver token")?);
            }
            Msg::Stderr(i, line) => {
                if bcx.config.primary_unit_rustc.is_some()
                    && let Some(m) = crate::fix_messages::FixMessage::from_line(&line)
                {
                    let wrapper = bcx.config.rustc_workspace_wrapper.as_deref();
                    if let Err(e) = fix_printer.print(shell, &m, wrapper) {
                        errors.handle(shell, e.into(), false, running);
                    }
                } else if let Err(e) =
                    on_stderr(bcx, shell, &order[i], i, &line, &mut state, &mut shown)
                {
                    errors.handle(shell, e, false, running);
                }
            }
            Msg::Stdout(line) => {
                let out = shell.out();
                if let Err(e) = out
                    .write_all(line.as_bytes())
                    .and_then(|_| out.write_all(b"\n"))
                {
                    errors.handle(shell, e.into(), false, running);
                }
            }
            Msg::Echo(line) => {
                let _ = writeln!(shell.err(), "{line}");
            }
            Msg::Rmeta(i) => {
                if let Some(tm) = &mut timings {
                    tm.rmeta(i);
                }
                if !state[i].rmeta_sent {
                    state[i].rmeta_sent = true;
                    let mut unblocked = Vec::new();
                    for &(d, rmeta) in &dependents[i] {
                        if rmeta {
                            state[d].waiting -= 1;
                            if state[d].waiting == 0 {
                                unblocked.push(&order[d]);
                            }
                        }
                    }
                    if let Some(log) = &bcx.config.analysis {
                        log.unit_event("unit-rmeta-finished", &order[i], &unblocked);
                    }
                }
            }
            Msg::Done(i, result) => {
                running -= 1;
                if let Some(tm) = &mut timings {
                    tm.ended(i, dependents[i].len());
                    sample(tm, &state, running);
                }
                let unit = &order[i];
                match finish_job(bcx, shell, unit, &mut state[i], result) {
                    Ok(()) => {
                        let recorded = (|| -> anyhow::Result<()> {
                            uplift(bcx, unit)?;
                            export_artifacts(bcx, unit)?;
                            fingerprint::store_diagnostics(bcx, unit, &state[i].diagnostics)?;
                            let script_env = own_script_env(&state, &deps[i], &order, unit);
                            fingerprint::record(
                                bcx,
                                unit,
                                &state_script(&state, &deps[i], &order, bcx),
                                &script_env,
                                state[i].spawned_at,
                            )?;
                            Ok(())
                        })();
                        if let Err(e) = recorded {
                            state[i].finished = true;
                            errors.handle(shell, e, false, running);
                            continue;
                        }
                        let unblocked = finish(&mut state, &dependents, i, true);
                        if let Some(log) = &bcx.config.analysis {
                            let unblocked: Vec<&Unit> =
                                unblocked.iter().map(|&d| &order[d]).collect();
                            log.unit_event("unit-finished", unit, &unblocked);
                        }
                        record_executable(bcx, unit, &mut compilation);
                        if let Err(e) = crate::messages::emit_artifact(bcx, shell, unit, false) {
                            errors.handle(shell, e, false, running);
                        }
                    }
                    Err(e) => {
                        state[i].finished = true;
                        errors.handle(shell, e, true, running);
                    }
                }
            }
        }
    }
    shell.clear_progress();
    drop(helper);
    if let Some(tm) = &mut timings {
        tm.sample(0, 0, 0);
        tm.finish();
    }
    compilation.timings = timings;
    compilation.lint_warnings = state.iter().map(|st| st.lint_warnings).sum();
    compilation.future_incompat = order
        .iter()
        .zip(state.iter_mut())
        .filter(|(_, st)| !st.future_incompat.is_empty())
        .map(|(u, st)| FutureIncompatUnit {
            pkg: u.pkg,
            items: std::mem::take(&mut st.future_incompat),
        })
        .collect();
    if errors.count == 0 {
        crate::output_depinfo::write_all(bcx, &order)?;
    }
    let finished = crate::messages::emit_build_finished(bcx, shell, errors.count == 0);
    if errors.count == 0 {
        finished?;
    } else {
        // Each was printed as it happened (as cargo prints them).
        let failed = match errors.count {
            1 => "1 job failed".to_string(),
            n => format!("{n} jobs failed"),
        };
        return Err(anyhow::Error::new(AlreadyPrintedError(failed)));
    }
    for (unit, st) in order.iter().zip(&state) {
        if let Some(fx) = &st.script {
            compilation.scripts.insert(unit.clone(), fx.clone());
        }
    }
    Ok(compilation)
}

/// Record how many units run, are ready, and wait on dependencies.
fn sample(timings: &mut crate::timings::Timings, state: &[UnitState], running: usize) {
    let (mut ready, mut blocked) = (0, 0);
    for st in state.iter().filter(|s| !s.started) {
        match st.waiting {
            0 => ready += 1,
            _ => blocked += 1,
        }
    }
    timings.sample(running, ready, blocked);
}

/// The errors met while the queue drains, printed as they happen (cargo's
/// `handle_error`): every failed job, and the first of the others (a closed
/// stdout would otherwise be reported once per line).
#[derive(Default)]
struct Errors {
    count: usize,
}

impl Errors {
    fn handle(&mut self, shell: &mut Shell, e: anyhow::Error, print_always: bool, running: usize) {
        if !print_always && self.count > 0 {
            return;
        }
        shell.print_error(&e);
        if self.count == 0 && running > 0 {
            let _ = shell.warn("build failed, waiting for other jobs to finish...");
        }
        self.count += 1;
    }
}

/// Script effects the unit's command depends on (its own package's build
/// script run, if any), for fingerprinting.
fn state_script(
    state: &[UnitState],
    deps: &[(usize, bool)],
    order: &[Unit],
    bcx: &BuildContext<'_>,
) -> Vec<String> {
    let mut out = Vec::new();
    for &(j, _) in deps {
        if order[j].mode == CompileMode::RunCustomBuild
            && let Some(fx) = &state[j].script
        {
            // Where the target directory is does not matter (it may move).
            let target_dir = bcx.config.target_dir.to_string_lossy();
            out.push(format!("{:?}", fx).replace(target_dir.as_ref(), "$TARGET_DIR"));
        }
    }
    out
}

/// The progress bar on a terminal: finished units of all, and the packages
/// being compiled right now.
fn draw_progress(bcx: &BuildContext<'_>, shell: &mut Shell, order: &[Unit], state: &[UnitState]) {
    if !shell.progress_enabled() {
        return;
    }
    let done = state.iter().filter(|s| s.finished).count();
    let mut names: Vec<&str> = order
        .iter()
        .zip(state)
        .filter(|(_, s)| s.started && !s.finished)
        .map(|(u, _)| bcx.graph.packages[u.pkg].manifest.name())
        .collect();
    names.dedup();
    let width = bcx
        .config
        .env
        .iter()
        .find(|(k, _)| k == "COLUMNS")
        .and_then(|(_, v)| v.to_str()?.parse().ok())
        .unwrap_or(80);
    shell.progress(done, order.len(), &names.join(", "), width);
}

/// Names of the variables the unit's own build script set with `rustc-env`.
fn own_script_env(
    state: &[UnitState],
    deps: &[(usize, bool)],
    order: &[Unit],
    unit: &Unit,
) -> Vec<String> {
    deps.iter()
        .filter(|&&(j, _)| order[j].mode == CompileMode::RunCustomBuild && order[j].pkg == unit.pkg)
        .filter_map(|&(j, _)| state[j].script.as_ref())
        .flat_map(|fx| fx.env.iter().map(|(k, _)| k.clone()))
        .collect()
}

/// Mark unit `i` finished and release dependents waiting on it.
/// Mark unit `i` finished; returns the dependents it left ready to run.
fn finish(
    state: &mut [UnitState],
    dependents: &[Vec<(usize, bool)>],
    i: usize,
    _ran: bool,
) -> Vec<usize> {
    state[i].finished = true;
    let rmeta_done = state[i].rmeta_sent;
    state[i].rmeta_sent = true;
    let mut ready = Vec::new();
    for &(d, rmeta) in &dependents[i] {
        if !(rmeta && rmeta_done) {
            state[d].waiting -= 1;
            if state[d].waiting == 0 {
                ready.push(d);
            }
        }
    }
    ready
}

/// A dependent lib can start on its dependency's `.rmeta` when both are
/// plain libs built in Build mode (cargo's `only_requires_rmeta`).
/// Whether `parent` reads only `dep`'s metadata (`.rmeta`), not its lib.
pub(crate) fn uses_only_metadata(bcx: &BuildContext<'_>, parent: &Unit, dep: &Unit) -> bool {
    pipelines(bcx, parent, dep) || parent.mode.is_check() || parent.mode == CompileMode::Doc
}

/// Per unit, the build-script runs whose effects it links with (cargo's
/// `to_link`): its own package's first (not for the build script itself),
/// then its linkable dependencies' lists, by package id, each run once.
/// Computed in build order, so each dependency's list is ready.
fn link_order(
    bcx: &BuildContext<'_>,
    order: &[Unit],
    deps: &[Vec<(usize, bool)>],
) -> Vec<Vec<usize>> {
    let target = |u: &Unit| &bcx.graph.packages[u.pkg].manifest.targets[u.target];
    let id = |u: &Unit| &bcx.graph.packages[u.pkg].manifest.package_id;
    let mut out: Vec<Vec<usize>> = Vec::with_capacity(order.len());
    for (i, u) in order.iter().enumerate() {
        let mut list: Vec<usize> = Vec::new();
        if !target(u).is_custom_build() {
            list.extend(deps[i].iter().map(|&(j, _)| j).filter(|&j| {
                order[j].mode == CompileMode::RunCustomBuild && order[j].pkg == u.pkg
            }));
        }
        let mut ds: Vec<usize> = deps[i].iter().map(|&(j, _)| j).collect();
        ds.sort_by(|&a, &b| id(&order[a]).cmp(id(&order[b])));
        for j in ds {
            let t = target(&order[j]);
            let for_host = t.proc_macro || t.is_custom_build();
            if for_host || !t.is_lib() || order[j].mode == CompileMode::RunCustomBuild {
                continue;
            }
            // Dependencies come before dependents in `order`.
            if let Some(theirs) = out.get(j) {
                for &k in theirs {
                    if !list.contains(&k) {
                        list.push(k);
                    }
                }
            }
        }
        out.push(list);
    }
    out
}

/// Whether `unit` links (a binary, a test, a dylib, a proc macro...) and so
/// needs its upstream crates' objects, not just their metadata.
fn links_upstream(bcx: &BuildContext<'_>, unit: &Unit) -> bool {
    let t = &bcx.graph.packages[unit.pkg].manifest.targets[unit.target];
    match unit.mode {
        CompileMode::Test | CompileMode::Bench => true,
        CompileMode::Build => {
            !t.is_lib()
                || !t
                    .kind
                    .crate_types()
                    .iter()
                    .all(|c| c == "lib" || c == "rlib")
        }
        _ => false,
    }
}

fn pipelines(bcx: &BuildContext<'_>, parent: &Unit, dep: &Unit) -> bool {
    let rlib_only = |u: &Unit| {
        let t = &bcx.graph.packages[u.pkg].manifest.targets[u.target];
        t.is_lib()
            && t.kind
                .crate_types()
                .iter()
                .all(|c| c == "lib" || c == "rlib")
    };
    parent.mode == CompileMode::Build
        && dep.mode == CompileMode::Build
        && rlib_only(parent)
        && rlib_only(dep)
}

/// Longest chain of dependents above each unit: start those first.
/// Iterative (deep graphs do not grow the stack); a unit met again while
/// its own depth is being computed (a cycle) counts as depth 1 there.
fn priorities(dependents: &[Vec<(usize, bool)>]) -> Vec<usize> {
    let n = dependents.len();
    let mut memo: Vec<Option<usize>> = vec![None; n];
    let mut open = vec![false; n];
    for start in 0..n {
        if memo[start].is_some() {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        open[start] = true;
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            if let Some(&(j, _)) = dependents[i].get(*next) {
                *next += 1;
                if memo[j].is_none() && !open[j] {
                    open[j] = true;
                    stack.push((j, 0));
                }
                continue;
            }
            let v = 1 + dependents[i]
                .iter()
                .map(|&(j, _)| memo[j].unwrap_or(1))
                .max()
                .unwrap_or(0);
            memo[i] = Some(v);
            open[i] = false;
            stack.pop();
        }
    }
    memo.into_iter().map(|v| v.unwrap_or(1)).collect()
}

/// The jobserver this build shares with rustc and build scripts: the one
/// inherited from `make` or an outer cargo when there is one (then `-j` is
/// ignored, with cargo's warning), else a new one with `jobs` tokens.
fn jobserver_client(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
) -> anyhow::Result<jobserver::Client> {
    let inherited = bcx.config.env.iter().any(|(k, v)| {
        matches!(k.to_str(), Some("CARGO_MAKEFLAGS" | "MAKEFLAGS" | "MFLAGS"))
            && v.to_string_lossy().contains("--jobserver")
    });
    if inherited {
        // SAFETY: the descriptors named in the environment were handed to
        // this process by its parent for exactly this use, and nothing else
        // in mycargo opens or closes them.
        #[allow(unsafe_code)]
        let client = unsafe { jobserver::Client::from_env() };
        if let Some(client) = client {
            if bcx.config.jobs_explicit {
                shell.warn(
                    "a `-j` argument was passed to Cargo but Cargo is also configured with an external jobserver in its environment, ignoring the `-j` parameter",
                )?;
            }
            // Our parent already holds the token this process runs on.
            return Ok(client);
        }
    }
    let client = jobserver::Client::new(bcx.config.jobs.max(1) as usize)
        .context("failed to create a jobserver")?;
    // mycargo itself holds one token: the one its first job runs on.
    client
        .acquire_raw()
        .context("failed to acquire a jobserver token")?;
    Ok(client)
}

/// Hold `<layout>/.cargo-lock` for the whole build, as cargo does, so two
/// builds of one directory (mycargo or cargo) never interleave.
/// With a build directory apart, its lock is taken first, then the target
/// directory's.
fn lock_build_dir(bcx: &BuildContext<'_>, shell: &mut Shell) -> anyhow::Result<Vec<std::fs::File>> {
    let layout = &bcx.host_layout;
    let mut locks = Vec::new();
    if layout.is_split() {
        locks.push(match bcx.config.fine_grain_locking {
            true => crate::layout::lock_build_dir_shared(&layout.build_root, shell)?,
            false => crate::layout::lock_build_dir(&layout.build_root, shell)?,
        });
        // A check uplifts nothing: the target directory is left alone, as
        // cargo leaves it (unless a timing report goes there).
        let uplifts = bcx.config.timings || bcx.units.roots.iter().any(|u| !u.mode.is_check());
        if !uplifts {
            return Ok(locks);
        }
    }
    locks.push(crate::layout::lock_artifact_dir(&layout.root, shell)?);
    Ok(locks)
}

/// `<unit dir>/.lock`, held shared (a build that removes the unit, such
/// as `clean -p`, takes it exclusively). `None` when it cannot be made: the
/// build goes on, as with no locking.
fn lock_unit(bcx: &BuildContext<'_>, unit: &Unit) -> Option<std::fs::File> {
    let dir = bcx.unit_dir(unit);
    std::fs::create_dir_all(&dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(dir.join(".lock"))
        .ok()?;
    file.lock_shared().ok()?;
    Some(file)
}

/// `Compiling foo v0.1.0 (/path)` once per package.
/// cargo's `note_working_on`: a package is announced once, `Compiling`
/// (with `-v`, after why it is dirty) for its first unit that runs, or
/// `Fresh` when its last unit turns out fresh and nothing was said of it.
/// Docs are announced apart (`Documenting`). `dirty` is `None` for a fresh
/// unit, else the reason it is stale, if known.
fn note_working_on(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    unit: &Unit,
    announced: &mut BTreeSet<usize>,
    remaining: &[usize],
    dirty: Option<Option<String>>,
) -> anyhow::Result<()> {
    let doc = unit.mode == CompileMode::Doc;
    let key = unit.pkg * 2 + usize::from(doc);
    if announced.contains(&key) {
        return Ok(());
    }
    let id = &bcx.graph.packages[unit.pkg].manifest.package_id;
    match dirty {
        Some(reason) => {
            if let Some(reason) = reason
                && shell.verbosity() >= Verbosity::Verbose
            {
                shell.status("Dirty", format!("{id}: {reason}"))?;
            }
            announced.insert(key);
            let verb = match unit.mode {
                CompileMode::Check | CompileMode::CheckTest => "Checking",
                CompileMode::Doc => "Documenting",
                _ => "Compiling",
            };
            shell.status(verb, id)?;
        }
        None => {
            if remaining[unit.pkg] == 0 {
                announced.insert(unit.pkg * 2);
                if shell.verbosity() >= Verbosity::Verbose {
                    shell.status("Fresh", id)?;
                }
            }
        }
    }
    Ok(())
}

/// Build the command of a unit whose dependencies are ready.
/// The queue's fixed shape, for preparing commands.
struct Plan<'p> {
    /// Per unit: (dependency index, satisfied by its metadata alone).
    deps: &'p [Vec<(usize, bool)>],
    order: &'p [Unit],
    /// Per unit: the build-script runs it links with ([`link_order`]).
    to_link: &'p [Vec<usize>],
}

fn prepare(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    i: usize,
    plan: &Plan<'_>,
    state: &mut [UnitState],
    client: &jobserver::Client,
) -> anyhow::Result<Command> {
    let (deps, order, to_link) = (plan.deps, plan.order, plan.to_link);
    if unit.mode == CompileMode::RunCustomBuild {
        let (script_index, script_unit) = deps[i]
            .iter()
            .map(|&(j, _)| (j, &order[j]))
            .find(|(_, u)| u.mode != CompileMode::RunCustomBuild)
            .context("build script run without its compile unit")?;
        let script = bcx
            .outputs(script_unit)
            .first()
            .and_then(|o| o.uplift.clone())
            .context("build script has no output")?;
        let out_dir = bcx.script_out_dir(unit);
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("failed to create directory `{}`", out_dir.display()))?;
        let mut dep_env = Vec::new();
        for &(j, _) in &deps[i] {
            dep_env.extend(state[j].dep_env.iter().cloned());
        }
        // `-Z any-build-script-metadata`: every direct dependency's script
        // metadata, by the dependency's name.
        if bcx.config.any_build_script_metadata {
            for d in bcx.units.deps.get(unit).into_iter().flatten() {
                if d.unit.mode != CompileMode::RunCustomBuild || d.extern_name.is_empty() {
                    continue;
                }
                let Some(&(j, _)) = deps[i].iter().find(|&&(j, _)| order[j] == d.unit) else {
                    continue;
                };
                for (k, v) in &state[j].metadata {
                    dep_env.push((
                        format!(
                            "CARGO_DEP_{}_{}",
                            crate::build_output::envify(&d.extern_name),
                            crate::build_output::envify(k)
                        ),
                        v.clone(),
                    ));
                }
            }
        }
        let mut cmd = custom_build::command(bcx, unit, &script, &out_dir, &dep_env, client);
        // The script loads the native libraries its build dependencies'
        // scripts made in the target directory (cargo's `add_plugin_deps`).
        let root = &bcx.host_layout.root;
        let mut search = vec![bcx.host_layout.deps.clone(), root.clone()];
        let var = crate::testing::dylib_path_var();
        if let Some((_, v)) = bcx.config.env.iter().find(|(k, _)| k == var) {
            search.extend(std::env::split_paths(v));
        }
        for &k in &to_link[script_index] {
            let Some(fx) = &state[k].script else { continue };
            for p in &fx.link_search {
                let dir = std::path::Path::new(p.split_once('=').map_or(p.as_str(), |(_, d)| d));
                if dir.starts_with(root) {
                    search.push(dir.to_path_buf());
                }
            }
        }
        if let Ok(joined) = std::env::join_paths(&search) {
            cmd.env(var, joined);
        }
        return Ok(cmd);
    }
    let out_dir = bcx.out_dir(unit);
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("failed to create directory `{}`", out_dir.display()))?;
    let mut externs = Vec::new();
    let mut own_scripts = Vec::new();
    let mut dep_link_search = Vec::new();
    let unit_deps = bcx.units.deps.get(unit).cloned().unwrap_or_default();
    for d in &unit_deps {
        if d.unit.mode == CompileMode::RunCustomBuild {
            if let Some(&(j, _)) = deps[i].iter().find(|&&(j, _)| order[j] == d.unit) {
                let name = &bcx.graph.packages[d.unit.pkg].manifest.targets[d.unit.target].name;
                let stem = name.strip_prefix("build-script-").unwrap_or(name);
                own_scripts.push((
                    stem.to_string(),
                    bcx.script_out_dir(&d.unit),
                    state[j].script.clone(),
                ));
            }
            continue;
        }
        for path in bcx.extern_files(&d.unit, uses_only_metadata(bcx, unit, &d.unit)) {
            externs.push(Extern {
                name: d.extern_name.clone(),
                path,
            });
        }
    }
    // `-L` paths of the build scripts it links with, those inside a
    // script's `OUT_DIR` first (cargo's stable sort), else in order.
    let mut paths: Vec<(bool, String)> = Vec::new();
    for &k in &to_link[i] {
        let Some(fx) = &state[k].script else { continue };
        for p in &fx.link_search {
            let dir = p.split_once('=').map_or(p.as_str(), |(_, d)| d);
            let inside = fx
                .out_dir
                .as_ref()
                .is_some_and(|o| std::path::Path::new(dir).starts_with(o));
            paths.push((!inside, p.clone()));
        }
    }
    paths.sort_by_key(|(external, _)| *external);
    dep_link_search.extend(paths.into_iter().map(|(_, p)| p));
    externs.sort_by(|a, b| a.name.cmp(&b.name));
    let multiple = bcx.graph.packages[unit.pkg]
        .manifest
        .cargo_features
        .iter()
        .any(|f| f == "multiple-build-scripts");
    let own_script = merge_own_scripts(own_scripts, multiple);
    let mut cmd = if unit.mode == CompileMode::Doc {
        let dir = bcx.doc_dir(&unit.kind);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("failed to create directory `{}`", dir.display()))?;
        // The crate's docs of an earlier build go first (pages of items
        // gone since would stay otherwise), as cargo removes them.
        let m = bcx.graph.packages[unit.pkg].manifest;
        let own = dir.join(m.targets[unit.target].crate_name());
        if own.is_dir() {
            std::fs::remove_dir_all(&own)
                .with_context(|| format!("failed to remove `{}`", own.display()))?;
        }
        rustdoc_command(bcx, unit, &externs, own_script.as_ref())
    } else {
        rustc_command(bcx, unit, &externs, own_script.as_ref(), &dep_link_search)
    };
    client.configure(&mut cmd);
    Ok(cmd)
}

/// What a unit's own build scripts tell rustc, merged in the order they
/// run: `OUT_DIR` is the first script's, the rest adds up (a later
/// `rustc-env` of the same name wins). With `multiple-build-scripts`,
/// each script's `OUT_DIR` is also `<stem>_OUT_DIR`.
fn merge_own_scripts(
    scripts: Vec<(String, std::path::PathBuf, Option<ScriptEffects>)>,
    multiple: bool,
) -> Option<ScriptEffects> {
    if scripts.is_empty() {
        return None;
    }
    let mut out: Option<ScriptEffects> = None;
    let mut out_dirs = Vec::new();
    for (stem, dir, fx) in scripts {
        if multiple {
            out_dirs.push((format!("{stem}_OUT_DIR"), dir.display().to_string()));
        }
        let Some(fx) = fx else { continue };
        match &mut out {
            None => out = Some(fx),
            Some(o) => {
                o.link_search.extend(fx.link_search);
                o.link_libs.extend(fx.link_libs);
                o.link_args.extend(fx.link_args);
                o.cfgs.extend(fx.cfgs);
                o.check_cfgs.extend(fx.check_cfgs);
                o.env.extend(fx.env);
                if o.out_dir.is_none() {
                    o.out_dir = fx.out_dir;
                }
            }
        }
    }
    if !out_dirs.is_empty() {
        let o = out.get_or_insert_with(ScriptEffects::default);
        out_dirs.extend(std::mem::take(&mut o.env));
        o.env = out_dirs;
    }
    out
}

fn spawn(mut cmd: Command, i: usize, capture_stdout: bool, echo: Option<String>, tx: Sender<Msg>) {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    std::thread::spawn(move || {
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.send(Msg::Done(
                    i,
                    JobResult {
                        status: Err(e),
                        stdout: Vec::new(),
                        stderr: Vec::new(),
                    },
                ));
                return;
            }
        };
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let out_tx = tx.clone();
        let out_echo = echo.clone();
        let out_thread = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut s) = stdout {
                if let Some(prefix) = &out_echo {
                    let mut reader = BufReader::new(s);
                    let mut line = Vec::new();
                    while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                        buf.extend_from_slice(&line);
                        let text = String::from_utf8_lossy(&line);
                        let _ = out_tx.send(Msg::Stdout(format!(
                            "{prefix}{}",
                            text.trim_end_matches(['\n', '\r'])
                        )));
                        line.clear();
                    }
                } else if capture_stdout {
                    let _ = s.read_to_end(&mut buf);
                } else {
                    for line in BufReader::new(s).lines().map_while(Result::ok) {
                        let _ = out_tx.send(Msg::Stdout(line));
                    }
                }
            }
            buf
        });
        let mut err_buf = Vec::new();
        if let Some(s) = stderr {
            let mut reader = BufReader::new(s);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                let text = String::from_utf8_lossy(&line)
                    .trim_end_matches(['\n', '\r'])
                    .to_string();
                if capture_stdout {
                    err_buf.extend_from_slice(&line);
                    if let Some(prefix) = &echo {
                        let _ = tx.send(Msg::Echo(format!("{prefix}{text}")));
                    }
                } else {
                    if let RustcLine::Artifact { path, .. } = parse_line(&text)
                        && path.ends_with(".rmeta")
                    {
                        let _ = tx.send(Msg::Rmeta(i));
                    }
                    let _ = tx.send(Msg::Stderr(i, text));
                }
                line.clear();
            }
        }
        let status = child.wait();
        let stdout = out_thread.join().unwrap_or_default();
        let _ = tx.send(Msg::Done(
            i,
            JobResult {
                status,
                stdout,
                stderr: err_buf,
            },
        ));
    });
}

/// Show or pass on one line of rustc's stderr.
fn on_stderr(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    unit: &Unit,
    i: usize,
    line: &str,
    state: &mut [UnitState],
    shown: &mut HashSet<u64>,
) -> anyhow::Result<()> {
    match parse_line(line) {
        RustcLine::Artifact { .. } => {}
        RustcLine::Diagnostic {
            level,
            rendered,
            raw,
            is_summary,
            machine_applicable,
        } => {
            if is_summary {
                return Ok(());
            }
            state[i].diagnostics.push(line.to_string());
            // `build.warnings`: kept (a later run may show them), but
            // neither shown nor counted under `allow`; lints' counted
            // under `deny`.
            match bcx.config.warnings {
                WarningHandling::Allow if level == "warning" => return Ok(()),
                WarningHandling::Deny if level == "warning" && has_code(&raw) => {
                    state[i].lint_warnings += 1;
                }
                _ => {}
            }
            match level.as_str() {
                "warning" => state[i].warnings += 1,
                "error" => state[i].errors += 1,
                _ => {}
            }
            match bcx.config.message_format {
                MessageFormat::Json {
                    render_diagnostics: false,
                    ..
                } => crate::messages::emit_compiler_message(bcx, shell, unit, &raw)?,
                _ => {
                    if let Some(r) = rendered {
                        if !shown.insert(text_hash(&r)) {
                            if level == "warning" {
                                state[i].duplicates += 1;
                            }
                            return Ok(());
                        }
                        if level == "warning" && machine_applicable {
                            state[i].fixable += 1;
                        }
                        let text = if shell.err_supports_color() {
                            r
                        } else {
                            strip_ansi(&r)
                        };
                        // One line end after it, as cargo writes it.
                        let text = text.strip_suffix('\n').unwrap_or(&text);
                        writeln!(shell.err(), "{text}")?;
                    }
                }
            }
        }
        RustcLine::FutureIncompat(items) => {
            // Kept with the diagnostics, so a fresh unit reports it again.
            state[i].diagnostics.push(line.to_string());
            state[i].future_incompat.extend(items);
        }
        RustcLine::Other(text) => writeln!(shell.err(), "{text}")?,
    }
    Ok(())
}

/// After a job ends: check its status, show summaries, parse script output.
fn finish_job(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    unit: &Unit,
    st: &mut UnitState,
    result: JobResult,
) -> anyhow::Result<()> {
    let m = bcx.graph.packages[unit.pkg].manifest;
    let status = result.status.with_context(|| {
        format!(
            "could not execute process `{}` (never executed)",
            st.command_line
        )
    });
    let status = match status {
        Err(e) if unit.mode == CompileMode::RunCustomBuild => {
            return Err(e.context(format!(
                "failed to run custom build command for `{}`",
                m.package_id
            )));
        }
        other => other?,
    };
    if unit.mode == CompileMode::RunCustomBuild {
        let run_dir = bcx.build_script_run_dir(unit);
        let out_dir = bcx.script_out_dir(unit);
        crate::build_output::write_run_files(
            &run_dir,
            &bcx.script_output_file(unit),
            &result.stdout,
            &result.stderr,
            &out_dir,
        )?;
        if !status.success() {
            // What the script said before it failed is shown first (cargo
            // streams these lines).
            for line in String::from_utf8_lossy(&result.stdout).lines() {
                let line = line.trim_end();
                if let Some(w) = line
                    .strip_prefix("cargo::warning=")
                    .or_else(|| line.strip_prefix("cargo:warning="))
                {
                    shell.warn(format!("{}@{}: {w}", m.name(), m.version()))?;
                } else if let Some(e) = line.strip_prefix("cargo::error=") {
                    shell.error(format!("{}@{}: {e}", m.name(), m.version()))?;
                }
            }
            let mut msg = format!(
                "process didn't exit successfully: `{}` ({})",
                st.command_line,
                mycargo_util::process::exit_status_text(&status)
            );
            for (name, bytes) in [("stdout", &result.stdout), ("stderr", &result.stderr)] {
                let text = String::from_utf8_lossy(bytes);
                if !text.trim().is_empty() {
                    msg.push_str(&format!("\n--- {name}\n{text}"));
                }
            }
            let mut context = format!("failed to run custom build command for `{}`", m.package_id);
            if backtraces_want_debuginfo(bcx, unit) {
                context.push_str(&format!(
                    "\nnote: To improve backtraces for build dependencies, set the CARGO_PROFILE_{}_BUILD_OVERRIDE_DEBUG=true environment variable to enable debug information generation.",
                    bcx.config.profile.to_uppercase().replace('-', "_")
                ));
            }
            return Err(anyhow::anyhow!(msg.trim_end().to_string()).context(context));
        }
        let out = custom_build::parse(bcx, unit, &result.stdout, &out_dir)?;
        let fx = custom_build::effects(&out, out_dir.clone());
        crate::messages::emit_build_script_executed(bcx, shell, unit, &fx)?;
        // A dependency's messages show under `-vv`, or when it failed.
        if bcx.graph.packages[unit.pkg].is_local || bcx.config.verbose >= 2 || out.has_errors() {
            for (sev, text) in &out.log_messages {
                match sev {
                    crate::build_output::Severity::Warning => {
                        if bcx.config.warnings != WarningHandling::Allow {
                            shell.warn(format!("{}@{}: {text}", m.name(), m.version()))?
                        }
                    }
                    crate::build_output::Severity::Error => {
                        shell.error(format!("{}@{}: {text}", m.name(), m.version()))?
                    }
                }
            }
        }
        if out.has_errors() {
            anyhow::bail!("build script logged errors");
        }
        keep_script_output(bcx, unit, &out, fx, st);
        return Ok(());
    }
    let target = &m.targets[unit.target];
    let descr = target_description(target, unit.mode);
    warning_summary(bcx, shell, unit, st)?;
    if !status.success() && unit.mode == CompileMode::Doc {
        return Err(
            process_failure(st, &status).context(format!("could not document `{}`", m.name()))
        );
    }
    if !status.success() {
        let mut msg = format!("could not compile `{}` ({descr})", m.name());
        if st.errors > 0 {
            msg.push_str(&format!(
                " due to {} previous error{}",
                st.errors,
                if st.errors == 1 { "" } else { "s" }
            ));
        }
        if st.warnings > 0 {
            msg.push_str(&format!(
                "; {} warning{} emitted",
                st.warnings,
                if st.warnings == 1 { "" } else { "s" }
            ));
        }
        return Err(process_failure(st, &status).context(msg));
    }
    Ok(())
}

/// The failed rustc or rustdoc as the cause: shown with `-v`, or always
/// when the tool said nothing or died of a signal.
fn process_failure(st: &UnitState, status: &std::process::ExitStatus) -> anyhow::Error {
    let cause = anyhow::anyhow!(
        "process didn't exit successfully: `{}` ({})",
        st.command_line,
        mycargo_util::process::exit_status_text(status)
    );
    if st.errors > 0 && status.code().is_some() {
        anyhow::Error::new(mycargo_util::errors::VerboseError(cause))
    } else {
        cause
    }
}

/// cargo's hint under `RUST_BACKTRACE`: a failed build script compiled
/// without debuginfo gives poor backtraces.
fn backtraces_want_debuginfo(bcx: &BuildContext<'_>, run: &Unit) -> bool {
    let asked = bcx
        .config
        .env
        .iter()
        .find(|(k, _)| k == "RUST_BACKTRACE")
        .is_some_and(|(_, v)| v != "0");
    let with_debuginfo = bcx
        .units
        .deps
        .get(run)
        .into_iter()
        .flatten()
        .find(|d| d.unit.mode != CompileMode::RunCustomBuild)
        .is_some_and(|d| {
            d.unit
                .profile
                .debuginfo
                .as_deref()
                .is_some_and(|v| !matches!(v, "0" | "none" | "false"))
        });
    asked && !with_debuginfo
}

/// `warning: \`foo\` (lib) generated 2 warnings`, when there were any,
/// with the duplicates not shown again and, for the user's own code
/// without errors, the `fix` command that would apply the suggestions.
fn warning_summary(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    unit: &Unit,
    st: &UnitState,
) -> anyhow::Result<()> {
    let warnings = st.warnings;
    if warnings == 0 || crate::messages::diagnostics_as_json(bcx.config.message_format) {
        return Ok(());
    }
    let pkg = &bcx.graph.packages[unit.pkg];
    let m = pkg.manifest;
    let target = &m.targets[unit.target];
    let descr = target_description(target, unit.mode);
    let s = if warnings == 1 { "" } else { "s" };
    let mut msg = format!("`{}` ({descr}) generated {warnings} warning{s}", m.name());
    match st.duplicates {
        0 => {}
        1 => msg.push_str(" (1 duplicate)"),
        n => msg.push_str(&format!(" ({n} duplicates)")),
    }
    if pkg.is_local && st.errors == 0 && st.fixable > 0 && !target.is_custom_build() {
        let wrapper = bcx.config.rustc_workspace_wrapper.as_deref();
        let command = match crate::fix_messages::is_clippy(wrapper) {
            true => "cargo clippy --fix",
            false => "cargo fix",
        };
        let named = target_description(target, CompileMode::Build);
        let mut args = format!("{named} -p {}", m.name());
        if unit.mode.is_rustc_test() && !(target.is_test() || target.is_bench()) {
            args.push_str(" --tests");
        }
        let n = st.fixable;
        let plural = if n > 1 { "s" } else { "" };
        msg.push_str(&format!(
            " (run `{command} --{args}` to apply {n} suggestion{plural})"
        ));
    }
    shell.warn(msg)?;
    Ok(())
}

/// Whether a diagnostic (rustc's JSON) is a lint's: it has a code.
fn has_code(raw: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(raw)
        .is_ok_and(|v| v.get("code").is_some_and(|c| !c.is_null()))
}

fn text_hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// A fresh unit shows again the diagnostics of the build that made it.
fn replay_diagnostics(
    bcx: &BuildContext<'_>,
    shell: &mut Shell,
    unit: &Unit,
    i: usize,
    state: &mut [UnitState],
    shown: &mut HashSet<u64>,
) -> anyhow::Result<()> {
    let lines = fingerprint::stored_diagnostics(bcx, unit);
    if lines.is_empty() {
        return Ok(());
    }
    for line in &lines {
        on_stderr(bcx, shell, unit, i, line, state, shown)?;
    }
    warning_summary(bcx, shell, unit, &state[i])
}

/// cargo's words for a target in messages: `lib`, `bin "foo"`, `lib test`.
pub fn target_description(t: &mycargo_manifest::Target, mode: CompileMode) -> String {
    let base = if t.is_lib() {
        "lib".to_string()
    } else if t.is_bin() {
        format!("bin \"{}\"", t.name)
    } else if t.is_test() {
        format!("test \"{}\"", t.name)
    } else if t.is_bench() {
        format!("bench \"{}\"", t.name)
    } else if t.is_example() {
        format!("example \"{}\"", t.name)
    } else {
        "build script".to_string()
    };
    if mode == CompileMode::Doc {
        format!("{base} doc")
    } else if mode.is_rustc_test() && (t.is_lib() || t.is_bin()) {
        format!("{base} test")
    } else {
        base
    }
}

/// An overridden build script run: the configured output stands for what
/// it would print, stored as a run's would be.
fn apply_override(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    output: &[u8],
    st: &mut UnitState,
) -> anyhow::Result<()> {
    let run_dir = bcx.build_script_run_dir(unit);
    let out_dir = bcx.script_out_dir(unit);
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("failed to create directory `{}`", out_dir.display()))?;
    crate::build_output::write_run_files(
        &run_dir,
        &bcx.script_output_file(unit),
        output,
        &[],
        &out_dir,
    )?;
    let out = custom_build::parse(bcx, unit, output, &out_dir)?;
    let fx = custom_build::effects(&out, out_dir);
    keep_script_output(bcx, unit, &out, fx, st);
    Ok(())
}

/// A fresh build script run: its effects come from the stored output.
fn reload_script(bcx: &BuildContext<'_>, unit: &Unit, st: &mut UnitState) -> anyhow::Result<()> {
    let out_dir = bcx.script_out_dir(unit);
    let stdout = std::fs::read(bcx.script_output_file(unit)).unwrap_or_default();
    let out = custom_build::parse_stored(bcx, unit, &stdout, &out_dir)?;
    let fx = custom_build::effects(&out, out_dir);
    keep_script_output(bcx, unit, &out, fx, st);
    Ok(())
}

/// What a build script run leaves its dependents: `DEP_<LINKS>_<KEY>`
/// (with `links`), its metadata and its effects on rustc.
fn keep_script_output(
    bcx: &BuildContext<'_>,
    unit: &Unit,
    out: &crate::build_output::BuildOutput,
    fx: ScriptEffects,
    st: &mut UnitState,
) {
    let m = bcx.graph.packages[unit.pkg].manifest;
    if let Some(links) = &m.metadata.links {
        st.dep_env = crate::build_output::dep_env_vars(links, &out.metadata);
    }
    st.metadata = out.metadata.clone();
    st.script = Some(fx);
}

/// [`uplift`], when an uplifted copy is missing or not the unit's output.
fn uplift_if_other(bcx: &BuildContext<'_>, unit: &Unit) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt as _;
    let same = |a: &std::path::Path, b: &std::path::Path| match (a.metadata(), b.metadata()) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    };
    let stale = bcx.outputs(unit).into_iter().any(|o| {
        o.uplift
            .as_ref()
            .is_some_and(|dst| o.path.exists() && !same(&o.path, dst))
    });
    match stale {
        true => uplift(bcx, unit),
        false => Ok(()),
    }
}

/// Hard-link outputs to where users find them (`target/debug/foo`).
fn uplift(bcx: &BuildContext<'_>, unit: &Unit) -> anyhow::Result<()> {
    for o in bcx.outputs(unit) {
        if let Some(dst) = &o.uplift {
            // An output already where it would be uplifted (an example's
            // dylib) stays as it is.
            if !o.path.exists() || o.path == *dst {
                continue;
            }
            let _ = std::fs::remove_file(dst);
            if std::fs::hard_link(&o.path, dst).is_err() {
                std::fs::copy(&o.path, dst).with_context(|| {
                    format!(
                        "failed to link or copy `{}` to `{}`",
                        o.path.display(),
                        dst.display()
                    )
                })?;
            }
        }
    }
    Ok(())
}

/// `--artifact-dir`: a root unit's final files (those uplifted into the
/// target directory) linked or copied there too, fresh or not.
fn export_artifacts(bcx: &BuildContext<'_>, unit: &Unit) -> anyhow::Result<()> {
    let Some(dir) = &bcx.config.artifact_dir else {
        return Ok(());
    };
    if !bcx.units.roots.contains(unit) || unit.mode != CompileMode::Build {
        return Ok(());
    }
    for o in bcx.outputs(unit) {
        let (Some(dst), true) = (&o.uplift, o.path.exists()) else {
            continue;
        };
        let Some(name) = dst.file_name() else {
            continue;
        };
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create directory `{}`", dir.display()))?;
        let to = dir.join(name);
        let _ = std::fs::remove_file(&to);
        if std::fs::hard_link(&o.path, &to).is_err() {
            std::fs::copy(&o.path, &to).with_context(|| {
                format!(
                    "failed to link or copy `{}` to `{}`",
                    o.path.display(),
                    to.display()
                )
            })?;
        }
    }
    Ok(())
}

fn record_executable(bcx: &BuildContext<'_>, unit: &Unit, c: &mut Compilation) {
    if !bcx.units.roots.contains(unit) {
        return;
    }
    if let Some(o) = bcx
        .outputs(unit)
        .into_iter()
        .find(|o| o.flavor == FileFlavor::Normal)
    {
        let t = &bcx.graph.packages[unit.pkg].manifest.targets[unit.target];
        if t.is_bin() || t.is_example() || t.is_test() || t.is_bench() || unit.mode.is_any_test() {
            let path = if unit.mode.is_any_test() {
                o.path
            } else {
                o.uplift.unwrap_or(o.path)
            };
            c.executables.push((unit.clone(), path));
        }
    }
}

/// A command as cargo shows it with `-v`: shell-quoted where needed.
pub fn display_command(cmd: &Command) -> String {
    display_command_as(cmd, &[])
}

/// [`display_command`], with each program of `shown_as` (as the program
/// or as an argument, behind a wrapper) shown under its name there: the
/// toolchain's `rustc` mycargo runs in place of rustup's proxy is shown as
/// the `rustc` the user would have run, as cargo shows it.
/// What `-vv` shows before a command: the variables mycargo set for it
/// (`K=V `, sorted), not those it passed on unchanged.
pub fn display_env(
    cmd: &Command,
    inherited: &[(std::ffi::OsString, std::ffi::OsString)],
) -> String {
    let mut vars: Vec<(String, String)> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some((k, v?)))
        // cargo shows what it sets; `CARGO` it always sets, even to the
        // value it inherited.
        .filter(|(k, v)| *k == "CARGO" || !inherited.iter().any(|(ik, iv)| ik == k && iv == v))
        .filter(|(k, _)| !matches!(k.to_str(), Some("CARGO_MAKEFLAGS" | "MAKEFLAGS" | "MFLAGS")))
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    vars.sort();
    vars.iter()
        .map(|(k, v)| format!("{k}={} ", shell_quote(v)))
        .collect()
}

pub fn display_command_as(cmd: &Command, shown_as: &[(std::path::PathBuf, String)]) -> String {
    let show = |a: &std::ffi::OsStr| -> String {
        match shown_as.iter().find(|(p, _)| p.as_os_str() == a) {
            Some((_, name)) => name.clone(),
            None => shell_quote(&a.to_string_lossy()),
        }
    };
    let mut s = show(cmd.get_program());
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&show(a));
    }
    s
}

fn shell_quote(a: &str) -> String {
    let plain = !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=/,.+".contains(c));
    if plain {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::{priorities, shell_quote};

    #[test]
    fn priorities_count_the_longest_chain_of_dependents() {
        // 0 <- 1 <- 2, and 0 <- 3: unit 0 has the longest chain above it.
        let dependents = vec![
            vec![(1, false), (3, false)],
            vec![(2, false)],
            vec![],
            vec![],
        ];
        assert_eq!(priorities(&dependents), vec![3, 2, 1, 1]);
    }

    #[test]
    fn priorities_survive_deep_chains_and_cycles() {
        let n = 200_000;
        let chain: Vec<Vec<(usize, bool)>> = (0..n)
            .map(|i| {
                if i + 1 < n {
                    vec![(i + 1, false)]
                } else {
                    vec![]
                }
            })
            .collect();
        assert_eq!(priorities(&chain)[0], n);
        let cycle = vec![vec![(1, false)], vec![(0, false)]];
        assert_eq!(priorities(&cycle).len(), 2);
    }

    #[test]
    fn quotes_like_cargo_verbose_lines() {
        assert_eq!(shell_quote("-L"), "-L");
        assert_eq!(
            shell_quote("dependency=/a/b,c.d+e"),
            "dependency=/a/b,c.d+e"
        );
        assert_eq!(shell_quote("a:b"), "'a:b'");
        assert_eq!(shell_quote("x@y"), "'x@y'");
        assert_eq!(shell_quote("feature=\"x\""), "'feature=\"x\"'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
