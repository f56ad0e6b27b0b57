//! A small HTTP/1.1 client over a socket, for the server benchmarks.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

/// `127.0.0.1:PORT` of a URL.
pub(crate) fn addr(url: &str) -> String {
    url.trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

/// Status and body of one request.
pub(crate) fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |x| x.1).to_owned();
    (status, body)
}

pub(crate) fn get(addr: &str, path: &str) -> (u16, String) {
    request(addr, "GET", path, "", "")
}

/// The session token a page carries.
pub(crate) fn token(page: &str) -> String {
    let at = page.find("name=\"planmark-token\" content=\"").unwrap() + 31;
    page[at..at + 32].to_owned()
}

/// An open event stream: each call to `next` waits for the next version.
pub(crate) struct Events {
    lines: std::io::Lines<BufReader<TcpStream>>,
}

impl Events {
    pub(crate) fn open(addr: &str) -> Events {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET /events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        Events {
            lines: BufReader::new(s).lines(),
        }
    }

    pub(crate) fn next(&mut self) -> u64 {
        loop {
            let l = self.lines.next().unwrap().unwrap();
            // A stamp: the workspace's version, then its forecast's.
            if let Some(v) = l.strip_prefix("data:") {
                return v.trim().split('.').next().unwrap().parse().unwrap();
            }
        }
    }
}
