//! The GitHub REST API, as `planmark sync github` uses it: issues, labels
//! and milestones of one repository, read with pagination (the `Link`
//! header, 100 a page) and written one request at a time.
//!
//! A good citizen: writes are paced (GitHub asks for a second between
//! requests that create content); `Retry-After` and an exhausted rate
//! limit (`x-ratelimit-remaining: 0`, `x-ratelimit-reset`) are waited out;
//! server errors and network failures are retried with backoff; reads
//! send `If-None-Match` with the ETag of the last answer for that URL, and
//! a 304 costs no rate limit. The token never leaves the `Authorization`
//! header: no message, log or error names it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Why the API could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 401: the token is missing, wrong or expired.
    #[error(
        "GitHub refused the token (401): it is wrong or expired; set GITHUB_TOKEN or run `gh auth login`"
    )]
    BadToken,
    /// 403 or 404 on the repository: the token cannot see or change it.
    #[error("GitHub refused {what} ({status}): {why}")]
    Forbidden {
        /// What was asked.
        what: String,
        /// The HTTP status.
        status: u16,
        /// GitHub's message, with the scopes the token lacks when known.
        why: String,
    },
    /// Another answer that retrying did not change.
    #[error("GitHub answered {status} to {what}: {why}")]
    Status {
        /// What was asked.
        what: String,
        /// The HTTP status.
        status: u16,
        /// GitHub's message.
        why: String,
    },
    /// The network failed, and kept failing.
    #[error("cannot reach {url}: {why}")]
    Network {
        /// The API's address.
        url: String,
        /// What failed.
        why: String,
    },
    /// An answer that is not the JSON the API documents.
    #[error("GitHub's answer to {what} could not be read: {why}")]
    Answer {
        /// What was asked.
        what: String,
        /// What is wrong with it.
        why: String,
    },
}

impl ApiError {
    /// Whether the error is the token's or its rights' (exit code 2).
    #[must_use]
    pub fn is_auth(&self) -> bool {
        matches!(self, ApiError::BadToken | ApiError::Forbidden { .. })
    }
}

/// How hard the client may press and how long it waits.
#[derive(Debug, Clone)]
pub struct Pace {
    /// The least time between two writes.
    pub writes: Duration,
    /// The first wait before a retry; it doubles each time.
    pub backoff: Duration,
    /// Tries of one request before giving up.
    pub tries: u32,
    /// The longest wait for a rate limit to reset before giving up.
    pub max_wait: Duration,
}

impl Default for Pace {
    fn default() -> Pace {
        Pace {
            writes: Duration::from_secs(1),
            backoff: Duration::from_secs(1),
            tries: 6,
            max_wait: Duration::from_secs(15 * 60),
        }
    }
}

/// What the client did, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// GET requests answered (304s included).
    pub reads: u32,
    /// Reads answered 304 Not Modified.
    pub not_modified: u32,
    /// Requests that changed something.
    pub writes: u32,
    /// Requests sent again after a rate limit, a server error or a network failure.
    pub retries: u32,
}

/// A page as last read: sent again as `If-None-Match`, reused on a 304.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Cached {
    etag: String,
    body: String,
    link: Option<String>,
}

/// A client of one repository.
pub struct Client {
    agent: ureq::Agent,
    api: String,
    repo: String,
    token: String,
    pace: Pace,
    last_write: Option<Instant>,
    /// The last answer to each GET, by URL.
    etags: HashMap<String, Cached>,
    /// What was done.
    pub counts: Counts,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api", &self.api)
            .field("repo", &self.repo)
            .field("token", &"…")
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client of `repo` (`owner/name`) at `api` (`https://api.github.com`,
    /// or a GitHub Enterprise server's `https://host/api/v3`).
    #[must_use]
    pub fn new(api: &str, repo: &str, token: String, pace: Pace) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .user_agent("planmark")
            .build();
        Client {
            agent: config.into(),
            api: api.trim_end_matches('/').to_owned(),
            repo: repo.to_owned(),
            token,
            pace,
            last_write: None,
            etags: HashMap::new(),
            counts: Counts::default(),
        }
    }

    /// The answers kept from earlier runs, whose ETags are sent as
    /// `If-None-Match`.
    pub fn remember(&mut self, etags: HashMap<String, Cached>) {
        self.etags = etags;
    }

    /// This run's answers with their ETags, to keep for the next.
    #[must_use]
    pub fn etags(&self) -> &HashMap<String, Cached> {
        &self.etags
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}/repos/{}{path}", self.api, self.repo)
        }
    }

    /// Every item of a list, page after page.
    ///
    /// # Errors
    ///
    /// When a page cannot be read.
    pub fn list(&mut self, path: &str) -> Result<Vec<Value>, ApiError> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(self.url(&format!("{path}{sep}per_page=100")));
        let mut all = Vec::new();
        while let Some(url) = next.take() {
            let (body, link) = self.get(&url)?;
            match body {
                Value::Array(items) => all.extend(items),
                other => {
                    return Err(ApiError::Answer {
                        what: format!("GET {path}"),
                        why: format!("expected a list, got {}", kind(&other)),
                    });
                }
            }
            next = link.as_deref().and_then(next_link);
        }
        Ok(all)
    }

    fn get(&mut self, url: &str) -> Result<(Value, Option<String>), ApiError> {
        let cached = self.etags.get(url).cloned();
        let a = self.send("GET", url, None, cached.as_ref().map(|c| c.etag.as_str()))?;
        self.counts.reads += 1;
        // Not modified: the page is what it was, its link to the next
        // page included.
        let (body, link) = match cached {
            Some(c) if a.status == 304 => {
                self.counts.not_modified += 1;
                (c.body, c.link)
            }
            _ => {
                if let Some(e) = &a.etag {
                    self.etags.insert(
                        url.to_owned(),
                        Cached {
                            etag: e.clone(),
                            body: a.body.clone(),
                            link: a.link.clone(),
                        },
                    );
                }
                (a.body, a.link)
            }
        };
        let v = serde_json::from_str(&body).map_err(|e| ApiError::Answer {
            what: format!("GET {url}"),
            why: e.to_string(),
        })?;
        Ok((v, link))
    }

    /// Sends a change (`POST`, `PATCH`) and returns what GitHub made of it.
    ///
    /// # Errors
    ///
    /// When GitHub refuses it, or cannot be reached.
    pub fn write(&mut self, method: &str, path: &str, body: &Value) -> Result<Value, ApiError> {
        if let Some(rest) = self
            .last_write
            .and_then(|last| self.pace.writes.checked_sub(last.elapsed()))
        {
            std::thread::sleep(rest);
        }
        let url = self.url(path);
        let a = self.send(method, &url, Some(body), None)?;
        self.last_write = Some(Instant::now());
        self.counts.writes += 1;
        serde_json::from_str(&a.body).map_err(|e| ApiError::Answer {
            what: format!("{method} {path}"),
            why: e.to_string(),
        })
    }

    /// One request, sent again until it gets an answer worth keeping.
    fn send(
        &mut self,
        method: &str,
        url: &str,
        body: Option<&Value>,
        etag: Option<&str>,
    ) -> Result<Answer, ApiError> {
        let what = format!("{method} {}", url.strip_prefix(&self.api).unwrap_or(url));
        let mut wait = self.pace.backoff;
        let mut tries = 0;
        loop {
            tries += 1;
            let last = tries >= self.pace.tries;
            let retry = |c: &mut Counts, d: Duration| {
                c.retries += 1;
                std::thread::sleep(d);
            };
            let answer = match self.once(method, url, body, etag) {
                Ok(a) => a,
                Err(why) if !last => {
                    let _ = why;
                    retry(&mut self.counts, wait);
                    wait *= 2;
                    continue;
                }
                Err(why) => {
                    return Err(ApiError::Network {
                        url: self.api.clone(),
                        why,
                    });
                }
            };
            let s = answer.status;
            if (200..300).contains(&s) || s == 304 {
                return Ok(answer);
            }
            if let Some(d) = answer.rate_limited()
                && !last
            {
                if d > self.pace.max_wait {
                    return Err(ApiError::Status {
                        what,
                        status: s,
                        why: format!("rate limited for {} s more; run again later", d.as_secs()),
                    });
                }
                retry(&mut self.counts, d);
                continue;
            }
            if s >= 500 && !last {
                retry(&mut self.counts, wait);
                wait *= 2;
                continue;
            }
            let why = message(&answer.body);
            return Err(match s {
                401 => ApiError::BadToken,
                403 | 404 => ApiError::Forbidden {
                    what,
                    status: s,
                    why: match &answer.accepted_scopes {
                        Some(scopes) if !scopes.is_empty() => format!(
                            "{why}; the token needs the scope {scopes} (a fine-grained token: Issues read and write)"
                        ),
                        _ if s == 404 => format!(
                            "{why}; check --repo, and that the token can see the repository"
                        ),
                        _ => format!(
                            "{why}; the token needs Issues read and write on the repository"
                        ),
                    },
                },
                _ => ApiError::Status {
                    what,
                    status: s,
                    why,
                },
            });
        }
    }

    fn once(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
        etag: Option<&str>,
    ) -> Result<Answer, String> {
        let auth = format!("Bearer {}", self.token);
        let sent = match method {
            "GET" => {
                let mut r = self
                    .agent
                    .get(url)
                    .header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .header("Authorization", &auth);
                if let Some(e) = etag {
                    r = r.header("If-None-Match", e);
                }
                r.call()
            }
            _ => {
                let text = body.map(Value::to_string).unwrap_or_default();
                let r = match method {
                    "POST" => self.agent.post(url),
                    "PUT" => self.agent.put(url),
                    _ => self.agent.patch(url),
                };
                r.header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .header("Authorization", &auth)
                    .header("Content-Type", "application/json")
                    .send(text)
            }
        };
        // The error names the URL at most: never a header.
        let mut res = sent.map_err(|e| e.to_string())?;
        let header = |k: &str| {
            res.headers()
                .get(k)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let status = res.status().as_u16();
        let a = Answer {
            status,
            link: header("link"),
            etag: header("etag"),
            retry_after: header("retry-after"),
            remaining: header("x-ratelimit-remaining"),
            reset: header("x-ratelimit-reset"),
            accepted_scopes: header("x-accepted-oauth-scopes"),
            body: String::new(),
        };
        let body = res
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| e.to_string())?;
        Ok(Answer { body, ..a })
    }
}

struct Answer {
    status: u16,
    link: Option<String>,
    etag: Option<String>,
    retry_after: Option<String>,
    remaining: Option<String>,
    reset: Option<String>,
    accepted_scopes: Option<String>,
    body: String,
}

impl Answer {
    /// How long to wait when the answer is a rate limit: primary (the
    /// remaining count is 0 until the reset time) or secondary (a
    /// `Retry-After`, or a 403/429 that says so).
    fn rate_limited(&self) -> Option<Duration> {
        if !matches!(self.status, 403 | 429) {
            return None;
        }
        if let Some(s) = self
            .retry_after
            .as_deref()
            .and_then(|s| s.trim().parse::<u64>().ok())
        {
            return Some(Duration::from_secs(s));
        }
        if self.remaining.as_deref() == Some("0")
            && let Some(reset) = self
                .reset
                .as_deref()
                .and_then(|s| s.trim().parse::<u64>().ok())
        {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            return Some(Duration::from_secs(reset.saturating_sub(now) + 1));
        }
        // A secondary limit without a time: GitHub asks for at least a minute.
        (self.status == 429 || message(&self.body).to_lowercase().contains("rate limit"))
            .then(|| Duration::from_secs(60))
    }
}

/// The URL of the next page in a `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
    })
}

/// GitHub's `message` in an error body, or the body itself.
fn message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(200).collect())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The token: `GITHUB_TOKEN`, `GH_TOKEN`, else what `gh auth token` prints.
///
/// # Errors
///
/// When none is found, with how to provide one.
pub fn token() -> Result<String, ApiError> {
    for k in ["GITHUB_TOKEN", "GH_TOKEN"] {
        if let Ok(t) = std::env::var(k)
            && !t.trim().is_empty()
        {
            return Ok(t.trim().to_owned());
        }
    }
    let gh = std::process::Command::new("gh")
        .args(["auth", "token"])
        .stderr(std::process::Stdio::null())
        .output();
    match gh {
        Ok(out) if out.status.success() => {
            let t = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if t.is_empty() {
                Err(ApiError::BadToken)
            } else {
                Ok(t)
            }
        }
        _ => Err(ApiError::BadToken),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_is_read_from_the_link_header() {
        let link = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
    }

    #[test]
    fn rate_limits_are_read_from_their_headers() {
        let a = |status, retry: Option<&str>, remaining: Option<&str>, body: &str| Answer {
            status,
            link: None,
            etag: None,
            retry_after: retry.map(str::to_owned),
            remaining: remaining.map(str::to_owned),
            reset: Some("0".into()),
            accepted_scopes: None,
            body: body.to_owned(),
        };
        assert_eq!(
            a(403, Some("3"), None, "").rate_limited(),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            a(429, None, None, "").rate_limited(),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            a(403, None, Some("0"), "").rate_limited(),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            a(
                403,
                None,
                Some("12"),
                r#"{"message":"Resource not accessible"}"#
            )
            .rate_limited(),
            None
        );
        assert_eq!(a(500, Some("3"), None, "").rate_limited(), None);
    }

    #[test]
    fn the_token_is_not_in_the_debug_output() {
        let c = Client::new(
            "http://127.0.0.1:9",
            "o/r",
            "ghp_secret".into(),
            Pace::default(),
        );
        assert!(!format!("{c:?}").contains("secret"));
    }
}
