//! A `planmark serve` started by a test: on a free port of 127.0.0.1, and
//! always stopped, even when the test fails.

#![allow(dead_code, unreachable_pub)]

pub mod github;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running server; dropping it stops the process.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT/` (with `?token=` when one is needed).
    pub url: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Served {
    /// Starts `planmark serve --port 0` in `dir` with `args`.
    pub fn start(dir: &Path, args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_planmark"))
            .arg("serve")
            .args(["--port", "0", "--today", "2026-12-01"])
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().to_owned();
        if url.is_empty() {
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            let _ = child.kill();
            panic!("the server did not start: {err}");
        }
        let addr = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        Served { child, url, addr }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Sends one raw HTTP/1.1 request (the test writes every header, Host
/// included, as an attacker could) and reads the answer.
pub fn raw(addr: &str, request: &str) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    // Chunked bodies are joined well enough for `contains` checks.
    Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// A GET with this server's own Host header.
pub fn get(served: &Served, path: &str) -> Answer {
    raw(
        &served.addr,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            served.addr
        ),
    )
}

/// A POST from this server's own pages: its Host and Origin, `headers`
/// added.
pub fn post(served: &Served, path: &str, content_type: &str, headers: &str, body: &str) -> Answer {
    raw(
        &served.addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {a}\r\nOrigin: http://{a}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{headers}Connection: close\r\n\r\n{body}",
            body.len(),
            a = served.addr
        ),
    )
}

/// The session token a page carries.
pub fn session_token(page: &str) -> String {
    let at = page.find("name=\"planmark-token\" content=\"").unwrap() + 31;
    page[at..at + 32].to_owned()
}

/// A copy of the bundled examples in a fresh folder.
pub fn examples_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for e in std::fs::read_dir(&ex).unwrap() {
        let p: PathBuf = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// One installer at a time: apt and pip share the machine.
fn install_lock() -> std::sync::MutexGuard<'static, ()> {
    static L: std::sync::OnceLock<std::sync::Mutex<()>> = std::sync::OnceLock::new();
    L.get_or_init(|| std::sync::Mutex::new(()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The Python of a virtual environment `name` under target/, with the
/// packages `requirements` pins installed (again when the file changes).
pub fn venv(name: &str, requirements: &Path) -> PathBuf {
    let _guard = install_lock();
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let bin = venv.join("bin/python");
    let wanted = std::fs::read_to_string(requirements).unwrap();
    let stamp = venv.join("installed.txt");
    if bin.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return bin;
    }
    let python3 = ["python3", "python"]
        .into_iter()
        .find(|p| Command::new(p).arg("--version").output().is_ok())
        .expect("python3 is needed for these tests");
    let ok = Command::new(python3)
        .args(["-m", "venv", "--clear"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "cannot create a virtual environment in {}",
        venv.display()
    );
    let ok = Command::new(&bin)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(requirements)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "cannot install {}", requirements.display());
    std::fs::write(&stamp, wanted).unwrap();
    bin
}

/// What `found` finds, after installing Debian's `package` when it finds
/// nothing.
pub fn apt_install<T>(package: &str, found: impl Fn() -> Option<T>) -> T {
    let _guard = install_lock();
    if let Some(x) = found() {
        return x;
    }
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    if !apt(&["install", "-y", "-q", package]) {
        apt(&["update", "-q"]);
        apt(&["install", "-y", "-q", package]);
    }
    found().unwrap_or_else(|| {
        panic!("{package} is missing and could not be installed; run `apt-get install {package}` as root")
    })
}
