//! A stateful stand-in for GitHub's REST API, as documented for issues,
//! labels and milestones: pagination by `per_page` and `Link` headers,
//! ETags and `If-None-Match`, bearer tokens, and on request the answers a
//! good client must survive: rate limits (secondary, with `Retry-After`;
//! primary, with `x-ratelimit-remaining: 0`), server errors and slow
//! replies. It binds 127.0.0.1 on a free port and stops when dropped.

#![allow(dead_code, unreachable_pub)]

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// An answer to inject, in turn, before the real one.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 403 with `Retry-After: N` (a secondary rate limit).
    Secondary(u64),
    /// 403 with `x-ratelimit-remaining: 0` and a reset N seconds away.
    Primary(u64),
    /// 429 with `Retry-After: N`.
    TooMany(u64),
    /// A 502.
    BadGateway,
    /// The real answer, N ms late.
    Slow(u64),
}

#[derive(Default)]
pub struct State {
    pub issues: Vec<Value>,
    pub labels: Vec<Value>,
    pub milestones: Vec<Value>,
    next: u64,
    next_milestone: u64,
    /// Every request: method and path with query.
    pub log: Vec<(String, String)>,
    /// Faults for the next requests matching a method (and path prefix).
    pub faults: VecDeque<(String, String, Fault)>,
    /// Kill this process after handling request number `n` (1-based).
    pub kill: Option<(usize, u32)>,
    /// The most items a page holds, whatever `per_page` asks.
    pub page_cap: usize,
    pub token: String,
}

impl State {
    /// Requests that change something.
    pub fn writes(&self) -> usize {
        self.log.iter().filter(|(m, _)| m != "GET").count()
    }
}

pub struct Github {
    pub state: Arc<Mutex<State>>,
    pub url: String,
    stop: Arc<AtomicBool>,
    addr: String,
}

impl Github {
    pub fn start(token: &str) -> Github {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let state = Arc::new(Mutex::new(State {
            next: 1,
            next_milestone: 1,
            page_cap: 100,
            token: token.to_owned(),
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st, base) = (state.clone(), stop.clone(), format!("http://{addr}"));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (s, base) = (s.clone(), base.clone());
                std::thread::spawn(move || serve(conn, &s, &base));
            }
        });
        Github {
            state,
            url: format!("http://{addr}"),
            stop,
            addr,
        }
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// An issue as a person would make it on the site.
    pub fn add_issue(&self, title: &str, body: &str, pull_request: bool) -> u64 {
        self.with(|s| {
            let n = s.next;
            s.next += 1;
            let mut i = issue(n, title, body);
            if pull_request {
                i["pull_request"] = json!({ "url": "x" });
            }
            s.issues.push(i);
            n
        })
    }
}

impl Drop for Github {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
    }
}

fn issue(n: u64, title: &str, body: &str) -> Value {
    json!({
        "number": n, "title": title, "body": body, "state": "open", "state_reason": null,
        "labels": [], "assignees": [], "milestone": null
    })
}

struct Request {
    method: String,
    target: String,
    headers: HashMap<String, String>,
    body: String,
}

fn read_request(r: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn serve(conn: TcpStream, state: &Arc<Mutex<State>>, base: &str) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut out = conn;
    while let Some(req) = read_request(&mut reader) {
        let (status, headers, body, kill, delay) = {
            let mut s = state.lock().unwrap();
            s.log.push((req.method.clone(), req.target.clone()));
            let nth = s.log.len();
            let fault = s
                .faults
                .iter()
                .position(|(m, p, _)| *m == req.method && req.target.contains(p.as_str()))
                .and_then(|i| s.faults.remove(i))
                .map(|f| f.2);
            let mut delay = 0;
            let answer = match fault {
                Some(Fault::Secondary(secs)) => Some((
                    403,
                    vec![("Retry-After".to_owned(), secs.to_string())],
                    json!({ "message": "You have exceeded a secondary rate limit." }).to_string(),
                )),
                Some(Fault::TooMany(secs)) => Some((
                    429,
                    vec![("Retry-After".to_owned(), secs.to_string())],
                    json!({ "message": "Too many requests" }).to_string(),
                )),
                Some(Fault::Primary(secs)) => {
                    let reset = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_secs()
                        + secs;
                    Some((
                        403,
                        vec![
                            ("x-ratelimit-remaining".to_owned(), "0".to_owned()),
                            ("x-ratelimit-reset".to_owned(), reset.to_string()),
                        ],
                        json!({ "message": "API rate limit exceeded" }).to_string(),
                    ))
                }
                Some(Fault::BadGateway) => {
                    Some((502, vec![], "<html>bad gateway</html>".to_owned()))
                }
                Some(Fault::Slow(ms)) => {
                    delay = ms;
                    None
                }
                None => None,
            };
            let (status, headers, body) = match answer {
                Some(a) => a,
                None => handle(&mut s, &req, base),
            };
            let kill = s.kill.is_some_and(|(n, _)| n == nth);
            (status, headers, body, kill, delay)
        };
        if kill {
            // The test names the process once it is started.
            let pid = loop {
                match state.lock().unwrap().kill {
                    Some((_, pid)) if pid != 0 => break pid,
                    _ => std::thread::sleep(Duration::from_millis(5)),
                }
            };
            // The change is made; the client dies before it hears of it.
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            return;
        }
        if delay > 0 {
            std::thread::sleep(Duration::from_millis(delay));
        }
        let reason = match status {
            200 => "OK",
            201 => "Created",
            304 => "Not Modified",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            429 => "Too Many Requests",
            _ => "Error",
        };
        let mut head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            let _ = write!(head, "{k}: {v}\r\n");
        }
        head.push_str("\r\n");
        if out.write_all(head.as_bytes()).is_err() || out.write_all(body.as_bytes()).is_err() {
            return;
        }
    }
}

type Answer = (u16, Vec<(String, String)>, String);

fn query(target: &str) -> (String, HashMap<String, String>) {
    let (path, q) = target.split_once('?').unwrap_or((target, ""));
    let params = q
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (path.to_owned(), params)
}

fn etag(body: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

/// A page of `items`, with the Link header GitHub sends.
fn page(
    s: &State,
    req: &Request,
    items: &[Value],
    base: &str,
    path: &str,
    params: &HashMap<String, String>,
) -> Answer {
    let per: usize = params
        .get("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .clamp(1, 100)
        .min(s.page_cap);
    let n: usize = params
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let last = items.len().div_ceil(per).max(1);
    let chunk: Vec<Value> = items
        .iter()
        .skip((n - 1) * per)
        .take(per)
        .cloned()
        .collect();
    let body = Value::Array(chunk).to_string();
    let mut headers = Vec::new();
    let mut links = Vec::new();
    let mut keep: Vec<String> = params
        .iter()
        .filter(|(k, _)| *k != "page")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    keep.sort();
    let at = |p: usize| format!("<{base}{path}?{}&page={p}>", keep.join("&"));
    if n < last {
        links.push(format!("{}; rel=\"next\"", at(n + 1)));
        links.push(format!("{}; rel=\"last\"", at(last)));
    }
    if n > 1 {
        links.push(format!("{}; rel=\"prev\"", at(n - 1)));
    }
    if !links.is_empty() {
        headers.push(("Link".to_owned(), links.join(", ")));
    }
    let tag = etag(&body);
    if req.headers.get("if-none-match") == Some(&tag) {
        return (304, vec![("ETag".to_owned(), tag)], String::new());
    }
    headers.push(("ETag".to_owned(), tag));
    (200, headers, body)
}

fn handle(s: &mut State, req: &Request, base: &str) -> Answer {
    let auth = req
        .headers
        .get("authorization")
        .cloned()
        .unwrap_or_default();
    if auth != format!("Bearer {}", s.token) {
        if auth == "Bearer read-only" {
            return (
                403,
                vec![("x-accepted-oauth-scopes".to_owned(), "repo".to_owned())],
                json!({ "message": "Resource not accessible by personal access token" })
                    .to_string(),
            );
        }
        return (
            401,
            vec![],
            json!({ "message": "Bad credentials" }).to_string(),
        );
    }
    let (path, params) = query(&req.target);
    let Some(rest) = path.strip_prefix("/repos/acme/shop") else {
        return (404, vec![], json!({ "message": "Not Found" }).to_string());
    };
    let body: Value = serde_json::from_str(&req.body).unwrap_or(Value::Null);
    let ok = |v: &Value, code: u16| (code, vec![], v.to_string());
    match (req.method.as_str(), rest) {
        ("GET", "/issues") => {
            let mut items: Vec<Value> = s
                .issues
                .iter()
                .filter(|i| match params.get("state").map(String::as_str) {
                    Some("all") => true,
                    Some("closed") => i["state"] == "closed",
                    _ => i["state"] == "open",
                })
                .cloned()
                .collect();
            items.sort_by_key(|i| std::cmp::Reverse(i["number"].as_u64()));
            page(s, req, &items, base, &path, &params)
        }
        ("POST", "/issues") => {
            let n = s.next;
            s.next += 1;
            let mut i = issue(
                n,
                body["title"].as_str().unwrap_or(""),
                body["body"].as_str().unwrap_or(""),
            );
            apply(s, &mut i, &body);
            s.issues.push(i.clone());
            ok(&i, 201)
        }
        ("GET", "/labels") => {
            let items = s.labels.clone();
            page(s, req, &items, base, &path, &params)
        }
        ("POST", "/labels") => {
            let name = body["name"].as_str().unwrap_or("").to_owned();
            if s.labels.iter().any(|l| {
                l["name"]
                    .as_str()
                    .is_some_and(|x| x.eq_ignore_ascii_case(&name))
            }) {
                return (
                    422,
                    vec![],
                    json!({ "message": "Validation Failed" }).to_string(),
                );
            }
            let l = json!({ "name": name, "color": body["color"] });
            s.labels.push(l.clone());
            ok(&l, 201)
        }
        ("GET", "/milestones") => {
            let items = s.milestones.clone();
            page(s, req, &items, base, &path, &params)
        }
        ("POST", "/milestones") => {
            let n = s.next_milestone;
            s.next_milestone += 1;
            let m = json!({ "number": n, "title": body["title"], "due_on": body["due_on"], "state": "open" });
            s.milestones.push(m.clone());
            ok(&m, 201)
        }
        (m, p) if p.starts_with("/milestones/") && m == "PATCH" => {
            let n: u64 = p[12..].parse().unwrap_or(0);
            let Some(ms) = s.milestones.iter_mut().find(|x| x["number"] == n) else {
                return (404, vec![], json!({ "message": "Not Found" }).to_string());
            };
            if let Some(d) = body.get("due_on") {
                ms["due_on"] = d.clone();
            }
            let v = ms.clone();
            ok(&v, 200)
        }
        (m, p) if p.starts_with("/issues/") && m == "PATCH" => {
            let n: u64 = p[8..].parse().unwrap_or(0);
            let Some(pos) = s.issues.iter().position(|x| x["number"] == n) else {
                return (404, vec![], json!({ "message": "Not Found" }).to_string());
            };
            let mut i = s.issues[pos].clone();
            apply(s, &mut i, &body);
            s.issues[pos] = i.clone();
            ok(&i, 200)
        }
        _ => (404, vec![], json!({ "message": "Not Found" }).to_string()),
    }
}

/// Sets the fields of an issue a create or an update names.
fn apply(s: &State, i: &mut Value, body: &Value) {
    for k in ["title", "body", "state", "state_reason"] {
        if let Some(v) = body.get(k) {
            i[k] = v.clone();
        }
    }
    if body.get("state") == Some(&json!("open")) {
        i["state_reason"] = json!("reopened");
    }
    if let Some(ls) = body.get("labels").and_then(Value::as_array) {
        i["labels"] = json!(ls.iter().map(|l| json!({ "name": l })).collect::<Vec<_>>());
    }
    if let Some(a) = body.get("assignees").and_then(Value::as_array) {
        i["assignees"] = json!(a.iter().map(|l| json!({ "login": l })).collect::<Vec<_>>());
    }
    if let Some(m) = body.get("milestone") {
        i["milestone"] = match m.as_u64() {
            Some(n) => s
                .milestones
                .iter()
                .find(|x| x["number"] == n)
                .cloned()
                .unwrap_or(Value::Null),
            None => Value::Null,
        };
    }
}
