//! `planmark mcp` on a 10,000-task workspace: how long a tool call takes
//! once the workspace is loaded, as the client sees it (JSON-RPC line in,
//! answer line out, over the same newline-delimited stream as stdio), and
//! how large each answer is. The bar: `next` and `task` under 50 ms.
//!
//! `cargo bench -p planmark-server --bench mcp`

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../../planmark/benches/common/workspace.rs"]
mod generated;

/// Plans in the workspace: sessions of 18 tasks and guides of 24, about
/// 10,000 tasks in all.
const PLANS: usize = 476;
const RUNS: usize = 40;

struct Client {
    write: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    read: BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>,
    next: u64,
}

impl Client {
    async fn send(&mut self, v: &Value) {
        let mut line = v.to_string();
        line.push('\n');
        self.write.write_all(line.as_bytes()).await.unwrap();
    }

    /// The answer and its size on the wire.
    async fn call(&mut self, method: &str, params: Value) -> (Value, usize) {
        let id = self.next;
        self.next += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        loop {
            let mut line = String::new();
            assert!(self.read.read_line(&mut line).await.unwrap() > 0);
            let v: Value = serde_json::from_str(&line).unwrap();
            if v["id"] == id {
                return (v, line.trim_end().len());
            }
        }
    }
}

fn percentile(v: &mut [Duration], p: usize) -> Duration {
    v.sort();
    v[(v.len() * p / 100).min(v.len() - 1)]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    generated::write(dir.path(), PLANS);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (ours, theirs) = tokio::io::duplex(1 << 20);
        let (sr, sw) = tokio::io::split(theirs);
        let opts = planmark_server::mcp::StdioOptions {
            root: Some(dir.path().to_path_buf()),
            today: Some(jiff::civil::date(2026, 11, 21)),
        };
        let t = Instant::now();
        let server = tokio::spawn(planmark_server::mcp::serve_on(opts, sr, sw));
        let (r, w) = tokio::io::split(ours);
        let mut c = Client {
            write: w,
            read: BufReader::new(r),
            next: 1,
        };
        let (init, _) = c
            .call(
                "initialize",
                json!({
                    "protocolVersion": "2025-11-25",
                    "capabilities": {},
                    "clientInfo": { "name": "bench", "version": "1" }
                }),
            )
            .await;
        assert_eq!(init["result"]["serverInfo"]["name"], "planmark");
        let loaded = t.elapsed();
        c.send(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }))
            .await;
        let (tools, list_bytes) = c.call("tools/list", json!({})).await;
        assert_eq!(tools["result"]["tools"].as_array().unwrap().len(), 8);
        let (first, _) = c
            .call("tools/call", json!({ "name": "tasks", "arguments": { "limit": 1 } }))
            .await;
        let total = first["result"]["structuredContent"]["total"].clone();
        println!(
            "workspace: {PLANS} plans, {total} open tasks; loaded and analysed in {loaded:.0?}; tools/list {list_bytes} bytes"
        );
        println!(
            "{:<44} {:>9} {:>9} {:>9} {:>7}",
            "call", "median", "p95", "slowest", "bytes"
        );
        for (name, args) in [
            ("next", json!({})),
            ("task", json!({ "id": "importer-00001#2.3" })),
            ("tasks", json!({})),
            ("tasks", json!({ "ready": true, "owner": "ana1" })),
            ("status", json!({})),
            ("check", json!({ "severity": "warning" })),
            ("update", json!({ "ids": ["importer-00003#1.1"], "owner": "ana3", "dry_run": true })),
        ] {
            let mut times = Vec::new();
            let mut bytes = 0;
            for _ in 0..RUNS {
                let t = Instant::now();
                let (r, n) = c
                    .call("tools/call", json!({ "name": name, "arguments": args }))
                    .await;
                times.push(t.elapsed());
                assert_eq!(r["result"]["isError"], false, "{name}: {r}");
                bytes = n;
            }
            let label = format!("{name} {args}");
            let label: String = label.chars().take(44).collect();
            let slowest = *times.iter().max().unwrap();
            println!(
                "{label:<44} {:>9.2?} {:>9.2?} {:>9.2?} {bytes:>7}",
                percentile(&mut times, 50),
                percentile(&mut times, 95),
                slowest
            );
        }
        drop(c);
        let _ = server.await;
    });
}
