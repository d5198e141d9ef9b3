//! The HTTP/1.1 server: std::net, a thread per connection, keep-alive.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::faults::Fault;
use super::index::{IndexEntry, http_date, index_path, parse_http_date};
use super::package::sha256_hex;
use super::tls::Conn;

/// An HTTP request as the server read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    pub query: Option<String>,
    /// Headers in order, names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP response, for custom routes ([`super::Registry::route`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A 200 with a JSON body.
    pub fn json(value: &serde_json::Value) -> Response {
        Response::new(200, value.to_string()).header("Content-Type", "application/json")
    }
}

/// A request the server answered, for assertions on what a tool fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The status answered (0 when the connection was closed instead).
    pub status: u16,
}

impl LoggedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) type Handler = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

pub(crate) struct Options {
    pub auth_token: Option<String>,
    pub etag: bool,
    pub last_modified: bool,
    pub api: bool,
    /// Serve HTTPS with this configuration.
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

impl Options {
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }
}

pub(crate) struct IndexFile {
    pub entries: Vec<IndexEntry>,
    pub last_modified: u64,
}

impl IndexFile {
    pub fn body(&self) -> String {
        let mut s = String::new();
        for e in &self.entries {
            s.push_str(&e.to_json_line());
            s.push('\n');
        }
        s
    }
}

pub(crate) struct FaultRule {
    pub path: String,
    pub fault: Fault,
    /// `None`: every request.
    pub remaining: Option<usize>,
}

pub(crate) struct State {
    pub opts: Options,
    /// Keyed by the index path (`3/f/foo`).
    pub files: BTreeMap<String, IndexFile>,
    /// Keyed by (name, version).
    pub crates: HashMap<(String, String), Vec<u8>>,
    pub faults: Vec<FaultRule>,
    pub log: Vec<LoggedRequest>,
    pub routes: Vec<(String, Handler)>,
    clock: u64,
    started: u64,
}

impl State {
    /// A new modification time: now, and always later than the last one,
    /// so `Last-Modified` changes with every change.
    pub fn tick(&mut self) -> u64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        self.clock = now.max(self.clock + 1);
        self.clock
    }
}

pub(crate) struct Shared {
    pub addr: SocketAddr,
    stop: AtomicBool,
    state: Mutex<State>,
}

impl Shared {
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The running server; stops when dropped.
pub(crate) struct Server {
    pub shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(opts: Options) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local_addr");
        let mut state = State {
            opts,
            files: BTreeMap::new(),
            crates: HashMap::new(),
            faults: Vec::new(),
            log: Vec::new(),
            routes: Vec::new(),
            clock: 0,
            started: 0,
        };
        state.started = state.tick();
        let shared = Arc::new(Shared {
            addr,
            stop: AtomicBool::new(false),
            state: Mutex::new(state),
        });
        let s = shared.clone();
        let acceptor = std::thread::Builder::new()
            .name(format!("registry-{}", addr.port()))
            .spawn(move || {
                for conn in listener.incoming() {
                    if s.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let tls = s.state().opts.tls.clone();
                    let s = s.clone();
                    let _ = std::thread::Builder::new()
                        .name("registry-conn".into())
                        .spawn(move || serve_connection(conn, tls.as_ref(), &s));
                }
            })
            .expect("spawn the registry thread");
        Server {
            shared,
            acceptor: Some(acceptor),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the acceptor.
        let _ = TcpStream::connect_timeout(&self.shared.addr, Duration::from_secs(1));
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
    }
}

/// What to send back for one request.
struct Outcome {
    response: Option<Response>,
    delay: Option<Duration>,
    truncate: Option<usize>,
}

fn serve_connection(sock: TcpStream, tls: Option<&Arc<rustls::ServerConfig>>, shared: &Shared) {
    let _ = sock.set_nodelay(true);
    let _ = sock.set_read_timeout(Some(Duration::from_millis(50)));
    let Ok(mut conn) = Conn::new(sock, tls) else {
        return;
    };
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let req = match read_request(&mut conn, &mut buf, shared) {
            Some(Ok(r)) => r,
            Some(Err(msg)) => {
                let r = Response::new(400, msg);
                let _ = write_response(&mut conn, &r, true, None);
                return;
            }
            None => return,
        };
        let close = req
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let outcome = respond(shared, &req);
        if let Some(d) = outcome.delay {
            std::thread::sleep(d);
        }
        let Some(resp) = outcome.response else {
            return;
        };
        let truncated = outcome.truncate.is_some();
        if write_response(&mut conn, &resp, close || truncated, outcome.truncate).is_err()
            || close
            || truncated
        {
            conn.shutdown();
            return;
        }
    }
}

/// Read one request; `None` when the peer closed or the server stops.
fn read_request(
    conn: &mut Conn,
    buf: &mut Vec<u8>,
    shared: &Shared,
) -> Option<Result<Request, String>> {
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return Some(Err("request head too large".into()));
        }
        fill(conn, buf, shared)?;
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(_version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Some(Err(format!("bad request line: {line}")));
    };
    let mut headers = Vec::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (target.to_string(), None),
    };
    let mut req = Request {
        method: method.to_string(),
        path,
        query,
        headers,
        body: Vec::new(),
    };
    let len: usize = req
        .header("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    buf.drain(..head_end + 4);
    while buf.len() < len {
        fill(conn, buf, shared)?;
    }
    req.body = buf.drain(..len).collect();
    Some(Ok(req))
}

fn fill(conn: &mut Conn, buf: &mut Vec<u8>, shared: &Shared) -> Option<()> {
    let mut chunk = [0u8; 8192];
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return None;
        }
        match conn.read(&mut chunk) {
            Ok(0) => return None,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Some(());
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => return None,
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_response(
    conn: &mut Conn,
    resp: &Response,
    close: bool,
    truncate: Option<usize>,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    if resp.status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    head.push_str(if close {
        "Connection: close\r\n"
    } else {
        "Connection: keep-alive\r\n"
    });
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if resp.status != 304 {
        let n = truncate.unwrap_or(resp.body.len()).min(resp.body.len());
        out.extend_from_slice(&resp.body[..n]);
    }
    conn.write_all(&out)?;
    conn.flush()
}

fn respond(shared: &Shared, req: &Request) -> Outcome {
    let mut state = shared.state();
    let mut outcome = Outcome {
        response: None,
        delay: None,
        truncate: None,
    };
    let fault = state
        .faults
        .iter_mut()
        .find(|r| r.path == req.path && r.remaining != Some(0))
        .map(|r| {
            if let Some(n) = &mut r.remaining {
                *n -= 1;
            }
            r.fault.clone()
        });
    let mut resp = None;
    match fault {
        None => {}
        Some(Fault::Status(code)) => {
            resp = Some(Response::new(code, format!("injected fault: {code}\n")));
        }
        Some(Fault::TooManyRequests { retry_after }) => {
            let mut r = Response::new(429, "injected fault: too many requests\n");
            if let Some(s) = retry_after {
                r = r.header("Retry-After", &s.to_string());
            }
            resp = Some(r);
        }
        Some(Fault::Custom {
            status,
            headers,
            body,
        }) => {
            resp = Some(Response {
                status,
                headers,
                body,
            });
        }
        Some(Fault::Delay(d)) => outcome.delay = Some(d),
        Some(Fault::Truncate(n)) => outcome.truncate = Some(n),
        Some(Fault::Close) => {
            state.log.push(log_entry(req, 0));
            return outcome;
        }
    }
    if resp.is_none() {
        let handler = state
            .routes
            .iter()
            .find(|(p, _)| req.path.starts_with(p.as_str()))
            .map(|(_, h)| h.clone());
        if let Some(h) = handler {
            drop(state);
            let r = h(req);
            shared.state().log.push(log_entry(req, r.status));
            outcome.response = Some(r);
            return outcome;
        }
    }
    let resp = match resp {
        Some(r) => r,
        None => normal_response(&mut state, shared.addr, req),
    };
    state.log.push(log_entry(req, resp.status));
    outcome.response = Some(resp);
    outcome
}

fn log_entry(req: &Request, status: u16) -> LoggedRequest {
    LoggedRequest {
        method: req.method.clone(),
        path: req.path.clone(),
        headers: req.headers.clone(),
        status,
    }
}

fn not_found() -> Response {
    Response::new(404, "not found\n")
}

pub(crate) fn config_json(state: &State, addr: SocketAddr) -> String {
    let scheme = state.opts.scheme();
    let mut v = serde_json::json!({
        "dl": format!("{scheme}://{addr}/api/v1/crates"),
    });
    if state.opts.api {
        v["api"] = format!("{scheme}://{addr}").into();
    }
    if state.opts.auth_token.is_some() {
        v["auth-required"] = true.into();
    }
    v.to_string()
}

fn normal_response(state: &mut State, addr: SocketAddr, req: &Request) -> Response {
    if let Some(token) = &state.opts.auth_token {
        match req.header("authorization") {
            None => {
                return Response::new(401, "authentication required\n").header(
                    "WWW-Authenticate",
                    &format!("Cargo login_url=\"http://{addr}/me\""),
                );
            }
            Some(t) if t != token => return Response::new(403, "invalid token\n"),
            Some(_) => {}
        }
    }
    if req.method != "GET" {
        return not_found();
    }
    if req.path == "/index/config.json" {
        let body = config_json(state, addr);
        let started = state.started;
        return cached(state, req, body.into_bytes(), started);
    }
    if let Some(rel) = req.path.strip_prefix("/index/") {
        let name = rel.rsplit('/').next().unwrap_or_default();
        if name.is_empty() || index_path(name) != rel {
            return not_found();
        }
        let Some(file) = state.files.get(rel) else {
            return not_found();
        };
        let (body, lm) = (file.body().into_bytes(), file.last_modified);
        return cached(state, req, body, lm);
    }
    if let Some(rest) = req.path.strip_prefix("/api/v1/crates/") {
        let parts: Vec<&str> = rest.split('/').collect();
        if let [name, vers, "download"] = parts[..] {
            let key = (name.to_string(), vers.to_string());
            let found = state.crates.get(&key).or_else(|| {
                state
                    .crates
                    .iter()
                    .find(|((n, v), _)| n.eq_ignore_ascii_case(name) && v == vers)
                    .map(|(_, b)| b)
            });
            return match found {
                Some(bytes) => {
                    Response::new(200, bytes.clone()).header("Content-Type", "application/x-tar")
                }
                None => not_found(),
            };
        }
    }
    not_found()
}

/// A 200 with validators, or a 304 when the request's validators match.
fn cached(state: &State, req: &Request, body: Vec<u8>, last_modified: u64) -> Response {
    let etag = format!("\"{}\"", &sha256_hex(&body)[..32]);
    let lm = http_date(last_modified);
    let mut headers = Vec::new();
    if state.opts.etag {
        headers.push(("ETag".to_string(), etag.clone()));
    }
    if state.opts.last_modified {
        headers.push(("Last-Modified".to_string(), lm));
    }
    let not_modified = match (req.header("if-none-match"), req.header("if-modified-since")) {
        (Some(inm), _) => {
            state.opts.etag && inm.split(',').any(|t| t.trim() == etag || t.trim() == "*")
        }
        (None, Some(ims)) => {
            state.opts.last_modified && parse_http_date(ims).is_some_and(|t| t >= last_modified)
        }
        (None, None) => false,
    };
    let (status, body) = if not_modified {
        (304, Vec::new())
    } else {
        (200, body)
    };
    headers.push(("Content-Type".to_string(), "text/plain".to_string()));
    Response {
        status,
        headers,
        body,
    }
}
