//! Network settings (`net.*`, `http.*`), the HTTP client made from them,
//! and the retry policy for spurious failures.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use mycargo_config::Config;

/// Cargo's default `net.retry`.
pub const DEFAULT_RETRY: u32 = 3;
/// Cargo's default `http.timeout` (seconds).
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// How many requests run at once by default.
pub const DEFAULT_MAX_CONCURRENCY: usize = 64;

/// The wait before each retry, as cargo's: the first waits `initial` plus
/// up to `jitter`; each later one `step` more (no jitter), never over
/// `max`. A server's `Retry-After` replaces the schedule: exactly what it
/// says, never over `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryDelay {
    pub initial: Duration,
    pub jitter: Duration,
    pub step: Duration,
    pub max: Duration,
}

impl Default for RetryDelay {
    fn default() -> Self {
        RetryDelay {
            initial: Duration::from_millis(500),
            jitter: Duration::from_millis(1000),
            step: Duration::from_millis(3000),
            max: Duration::from_secs(10),
        }
    }
}

impl RetryDelay {
    /// No waiting (tests).
    pub fn none() -> Self {
        RetryDelay::fixed(Duration::ZERO)
    }

    /// The same wait before every retry (cargo's
    /// `__CARGO_TEST_FIXED_RETRY_SLEEP_MS`); `Retry-After` still wins.
    pub fn fixed(wait: Duration) -> Self {
        RetryDelay {
            initial: wait,
            jitter: Duration::ZERO,
            step: Duration::ZERO,
            max: RetryDelay::default().max.max(wait),
        }
    }

    /// The wait before retry number `attempt` (1-based). `retry_after` is
    /// a server's `Retry-After` (see [`retry_after`]).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(ra) = retry_after {
            return ra.min(self.max);
        }
        let base = self.initial + self.step * attempt.saturating_sub(1);
        let jitter = if attempt <= 1 {
            self.jitter_now()
        } else {
            Duration::ZERO
        };
        (base + jitter).min(self.max)
    }

    fn jitter_now(&self) -> Duration {
        if self.jitter.is_zero() {
            return Duration::ZERO;
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let j = self.jitter.as_millis() as u64;
        Duration::from_millis(u64::from(nanos) % j)
    }
}

/// The network settings of one command.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// `--offline` / `net.offline`: only the caches.
    pub offline: bool,
    /// `net.retry`: extra attempts after a spurious failure.
    pub retry: u32,
    pub retry_delay: RetryDelay,
    /// `http.timeout`: connect and read timeout.
    pub timeout: Duration,
    /// `http.user-agent`.
    pub user_agent: String,
    /// `http.cainfo`: extra PEM root certificates.
    pub cainfo: Option<PathBuf>,
    /// `http.proxy`: `[protocol://]host[:port]`.
    pub proxy: Option<String>,
    /// `http.multiplexing` (default true): HTTP/2 where the server offers it.
    pub multiplexing: bool,
    /// Requests in flight at once.
    pub max_concurrency: usize,
    /// `net.git-fetch-with-cli`: git indexes are fetched by `git`.
    pub git_fetch_with_cli: bool,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            offline: false,
            retry: DEFAULT_RETRY,
            retry_delay: RetryDelay::default(),
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            user_agent: format!("mycargo/{}", env!("CARGO_PKG_VERSION")),
            cainfo: None,
            proxy: None,
            multiplexing: true,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            git_fetch_with_cli: false,
        }
    }
}

impl NetConfig {
    /// Read `net.offline`, `net.retry`, `http.timeout`, `http.user-agent`,
    /// `http.cainfo`, `http.proxy`, `http.multiplexing`,
    /// `net.git-fetch-with-cli`. `offline_flag` is
    /// `--offline` (it wins over the config).
    pub fn from_config(config: &Config, offline_flag: bool) -> anyhow::Result<NetConfig> {
        let mut net = NetConfig {
            offline: offline_flag || config.get_bool("net.offline")?.is_some_and(|v| v.val),
            ..NetConfig::default()
        };
        if let Some(ms) = config.env().get("__CARGO_TEST_FIXED_RETRY_SLEEP_MS") {
            let ms: u64 = ms
                .parse()
                .context("`__CARGO_TEST_FIXED_RETRY_SLEEP_MS` is not a number of milliseconds")?;
            net.retry_delay = RetryDelay::fixed(Duration::from_millis(ms));
        }
        // cargo's testsuite shrinks the unpack cap (test-only variables).
        let test_limit = |var: &str| -> anyhow::Result<Option<u64>> {
            config
                .env()
                .get(var)
                .map(|v| {
                    v.parse()
                        .with_context(|| format!("`{var}` is not a number"))
                })
                .transpose()
        };
        crate::unpack::set_test_limits(
            test_limit("__CARGO_TEST_MAX_UNPACK_SIZE")?,
            test_limit("__CARGO_TEST_MAX_UNPACK_RATIO")?,
        );
        if let Some(v) = config.get_unsigned("net.retry", "u32", u32::MAX.into())? {
            net.retry = v.val as u32;
        }
        check_http_config(config)?;
        if let Some(v) = config.get_unsigned("http.timeout", "u64", u64::MAX)? {
            net.timeout = Duration::from_secs(v.val);
        }
        if let Some(v) = config.get_string("http.user-agent")? {
            net.user_agent = v.val;
        }
        if let Some(v) = config.get_path("http.cainfo")? {
            net.cainfo = Some(v.val);
        }
        if let Some(v) = config.get_string("http.proxy")?
            && !v.val.is_empty()
        {
            net.proxy = Some(v.val);
        }
        if let Some(v) = config.get_bool("http.multiplexing")? {
            net.multiplexing = v.val;
        }
        if let Some(v) = config.get_bool("net.git-fetch-with-cli")? {
            net.git_fetch_with_cli = v.val;
        }
        Ok(net)
    }

    /// The HTTP client for these settings (following redirects, as
    /// cargo's index and download transfers do).
    pub fn build_client(&self) -> anyhow::Result<reqwest::Client> {
        self.client_builder()?
            .build()
            .context("failed to create the HTTP client")
    }

    /// The HTTP client of a registry's web API: cargo's API calls do not
    /// follow redirects, a 3xx answer is an error.
    pub fn build_api_client(&self) -> anyhow::Result<reqwest::Client> {
        self.client_builder()?
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("failed to create the HTTP client")
    }

    fn client_builder(&self) -> anyhow::Result<reqwest::ClientBuilder> {
        let mut b = reqwest::Client::builder()
            .user_agent(self.user_agent.clone())
            .pool_max_idle_per_host(self.max_concurrency.max(1));
        if !self.timeout.is_zero() {
            b = b.connect_timeout(self.timeout).read_timeout(self.timeout);
        }
        if !self.multiplexing {
            b = b.http1_only();
        }
        if let Some(ca) = &self.cainfo {
            let pem = std::fs::read(ca)
                .with_context(|| format!("failed to read `http.cainfo` file `{}`", ca.display()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).with_context(|| {
                format!(
                    "invalid certificates in `http.cainfo` file `{}`",
                    ca.display()
                )
            })?;
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        if let Some(p) = &self.proxy {
            let url = if p.contains("://") {
                p.clone()
            } else {
                format!("http://{p}")
            };
            let proxy = reqwest::Proxy::all(&url)
                .with_context(|| format!("invalid `http.proxy` value `{p}`"))?;
            b = b.proxy(proxy);
        }
        Ok(b)
    }
}

/// Check the `[http]` table as cargo reads it (its `CargoHttpConfig`),
/// whatever of it mycargo uses: each key of its type, integers in range.
pub fn check_http_config(config: &Config) -> anyhow::Result<()> {
    config.table_keys("http")?;
    for key in ["proxy", "cainfo", "proxy-cainfo", "user-agent"] {
        config.get_string(&format!("http.{key}"))?;
    }
    for key in ["check-revoke", "debug", "multiplexing"] {
        config.get_bool(&format!("http.{key}"))?;
    }
    config.get_unsigned("http.low-speed-limit", "u32", u32::MAX.into())?;
    config.get_unsigned("http.timeout", "u64", u64::MAX)?;
    check_ssl_version(config)
}

/// `http.ssl-version`: a version, or a table of `min` and `max` (cargo's
/// errors for anything else).
fn check_ssl_version(config: &Config) -> anyhow::Result<()> {
    use mycargo_config::RawValue;
    let Some(raw) = config.raw_at(&["http", "ssl-version"])? else {
        return Ok(());
    };
    let context = || -> anyhow::Result<String> {
        let def = config
            .definition_at(&["http", "ssl-version"])?
            .map(|d| d.to_string())
            .unwrap_or_default();
        Ok(format!(
            "error in {def}: could not load config key `http.ssl-version`"
        ))
    };
    let found = match raw {
        RawValue::String(_) => return Ok(()),
        RawValue::Table(_) => {
            for k in ["min", "max"] {
                if let Err(e) = config.get_string(&format!("http.ssl-version.{k}")) {
                    return Err(e.context(context()?));
                }
            }
            return Ok(());
        }
        RawValue::List(_) => "sequence".to_string(),
        RawValue::Integer(i) => format!("integer `{i}`"),
        RawValue::Boolean(b) => format!("boolean `{b}`"),
    };
    Err(anyhow::anyhow!("invalid type: {found}, expected a string or map").context(context()?))
}

/// Whether a failed attempt is worth retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spurious {
    /// Retry (after waiting, or as long as `Retry-After` says).
    Yes {
        retry_after: Option<Duration>,
    },
    No,
}

/// Classify an HTTP status: 5xx and 429 are spurious.
pub fn status_is_spurious(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// Classify a transport error: timeouts, failed connects, resets and
/// broken bodies are spurious; bad URLs and redirects loops are not.
pub fn error_is_spurious(e: &reqwest::Error) -> bool {
    if e.is_builder() || e.is_redirect() || e.is_status() {
        return false;
    }
    e.is_timeout() || e.is_connect() || e.is_request() || e.is_body() || e.is_decode() || {
        // Anything else with an IO error inside (resets, EOF).
        let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
        let mut io = false;
        while let Some(s) = src {
            if s.downcast_ref::<std::io::Error>().is_some() {
                io = true;
                break;
            }
            src = s.source();
        }
        io
    }
}

/// The wait a `Retry-After` header asks for, honoured (as by cargo) on
/// `429 Too Many Requests` and `503 Service Unavailable` only: seconds, or
/// an HTTP date (a date in the past asks for nothing).
pub fn retry_after(status: u16, header: Option<&str>, now: SystemTime) -> Option<Duration> {
    if !matches!(status, 429 | 503) {
        return None;
    }
    let v = header?.trim();
    if let Ok(secs) = v.parse::<u32>() {
        return Some(Duration::from_secs(u64::from(secs)));
    }
    let at = UNIX_EPOCH + Duration::from_secs(parse_http_date(v)?);
    at.duration_since(now).ok().filter(|d| !d.is_zero())
}

/// Seconds since the epoch of an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00
/// GMT`), the form `Retry-After` dates take.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let (_, rest) = s.split_once(", ")?;
    let mut parts = rest.split(' ');
    let day: u64 = parts.next()?.parse().ok()?;
    let mon = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == mon)? as u64 + 1;
    let year: u64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || parts.next().is_some() || !(1..=31).contains(&day) {
        return None;
    }
    if year < 1970 || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let days = mycargo_util::time::days_from_civil(year as i64, month as i64, day as i64);
    Some(u64::try_from(days).ok()? * 86_400 + h * 3600 + m * 60 + sec)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spurious_statuses() {
        for s in [500, 502, 503, 504, 429] {
            assert!(status_is_spurious(s), "{s}");
        }
        for s in [200, 304, 400, 401, 403, 404, 410, 451] {
            assert!(!status_is_spurious(s), "{s}");
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let d = RetryDelay {
            jitter: Duration::ZERO,
            ..RetryDelay::default()
        };
        assert_eq!(d.delay(1, None), Duration::from_millis(500));
        assert_eq!(d.delay(2, None), Duration::from_millis(3500));
        assert_eq!(d.delay(3, None), Duration::from_millis(6500));
        assert_eq!(d.delay(5, None), Duration::from_secs(10));
        let j = RetryDelay::default();
        for _ in 0..20 {
            let x = j.delay(1, None);
            assert!(x >= Duration::from_millis(500) && x < Duration::from_millis(1500));
            // Only the first retry is jittered, as in cargo.
            assert_eq!(j.delay(2, None), Duration::from_millis(3500));
            assert_eq!(j.delay(3, None), Duration::from_millis(6500));
        }
        assert_eq!(RetryDelay::none().delay(3, None), Duration::ZERO);
        let f = RetryDelay::fixed(Duration::from_millis(5));
        assert_eq!(f.delay(1, None), Duration::from_millis(5));
        assert_eq!(f.delay(4, None), Duration::from_millis(5));
    }

    #[test]
    fn retry_after_is_waited_exactly_and_no_more() {
        let d = RetryDelay::default();
        for attempt in 1..=5 {
            for secs in [0, 1, 2, 7] {
                let ra = Some(Duration::from_secs(secs));
                assert_eq!(d.delay(attempt, ra), Duration::from_secs(secs), "{attempt}");
            }
            // Up to the cap.
            let long = Some(Duration::from_secs(60));
            assert_eq!(d.delay(attempt, long), Duration::from_secs(10));
        }
        let f = RetryDelay::fixed(Duration::from_millis(3));
        assert_eq!(
            f.delay(2, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn retry_after_parsing() {
        let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 07:27:50
        let secs = |status, v| retry_after(status, Some(v), now);
        assert_eq!(secs(429, " 3 "), Some(Duration::from_secs(3)));
        assert_eq!(secs(503, "0"), Some(Duration::ZERO));
        let date = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_http_date(date), Some(1_445_412_480));
        assert_eq!(secs(429, date), Some(Duration::from_secs(10)));
        assert_eq!(secs(429, "Wed, 21 Oct 2015 07:27:00 GMT"), None);
        assert_eq!(secs(429, "soon"), None);
        assert_eq!(secs(429, "-1"), None);
        // Other statuses' Retry-After is not honoured (cargo's rule).
        assert_eq!(secs(500, "3"), None);
        assert_eq!(secs(502, date), None);
        assert_eq!(retry_after(429, None, now), None);
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT"),
            Some(1_835_438_400)
        );
        assert_eq!(parse_http_date("Tue, 29 Feb 2028 12:00:00 UTC"), None);
    }

    #[test]
    fn config_keys() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let cwd = dir.path().join("p");
        std::fs::create_dir_all(home.join(".cargo")).unwrap();
        std::fs::create_dir_all(&cwd).unwrap();
        std::fs::write(
            home.join(".cargo/config.toml"),
            "[net]\nretry = 7\noffline = true\n[http]\ntimeout = 5\nuser-agent = \"ua/1\"\nproxy = \"proxy.example:3128\"\nmultiplexing = false\n",
        )
        .unwrap();
        let env = mycargo_util::Env::new(
            cwd,
            vec![
                ("HOME".to_string(), home.display().to_string()),
                (
                    "CARGO_HOME".to_string(),
                    home.join(".cargo").display().to_string(),
                ),
            ],
        );
        let config = Config::load(&env, &[]).unwrap();
        let net = NetConfig::from_config(&config, false).unwrap();
        assert!(net.offline);
        assert_eq!(net.retry, 7);
        assert_eq!(net.timeout, Duration::from_secs(5));
        assert_eq!(net.user_agent, "ua/1");
        assert_eq!(net.proxy.as_deref(), Some("proxy.example:3128"));
        assert!(!net.multiplexing);
        net.build_client().unwrap();
        let missing = NetConfig {
            cainfo: Some(dir.path().join("no-such-ca.pem")),
            ..NetConfig::default()
        };
        let err = missing.build_client().unwrap_err().to_string();
        assert!(err.contains("failed to read `http.cainfo` file"), "{err}");
        let d = NetConfig::default();
        assert_eq!(d.retry, 3);
        assert!(!d.offline);
    }
}
