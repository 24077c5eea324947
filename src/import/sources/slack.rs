//! Slack workspace export zips: messages in channels mapped to an account are scanned with the
//! risk phrases, and each hit becomes a dated risk signal naming the channel and the message
//! timestamp.
//!
//! A channel maps to an account through `[import.slack] channels`, else when its name, without
//! prefixes and suffixes such as `ext-` or `-shared`, matches an account name or alias.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate};
use compact_str::ToCompactString;
use serde::Deserialize;

use crate::import::archive::{self, Container};
use crate::import::block::Block;
use crate::import::matching::Query;
use crate::import::report::{Level, Message, Messages, Unmatched, json_error_text};
use crate::import::risk;
use crate::import::{Context, ImportError, Parsed};

/// Channel-name words that describe how a channel is used, not which customer it is for.
const CHANNEL_WORDS: [&str; 10] = [
    "ext", "external", "shared", "cust", "customer", "client", "support", "acct", "account", "team",
];

/// Characters of a message quoted in a risk signal, at most.
const QUOTE_CHARS: usize = 120;

#[derive(Deserialize)]
struct SlackMessage {
    #[serde(default)]
    subtype: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    ts: String,
}

#[derive(Default)]
struct Tally {
    messages: u64,
    risks: BTreeMap<(NaiveDate, String), String>,
}

pub(super) fn read(
    files: &[PathBuf],
    ctx: &mut Context<'_>,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    let mut tallies: HashMap<usize, Tally> = HashMap::new();
    let mut names = Vec::new();
    for path in files {
        let file = crate::import::display_name(path);
        let refuse = |message: String| ImportError::Refused {
            file: path.display().to_string(),
            message,
        };
        if archive::sniff(path).map_err(refuse)? != Container::Zip {
            return Err(refuse(
                "not a Slack workspace export: expected a zip archive".to_string(),
            ));
        }
        let mut notes = Messages::new(&file);
        let mut channels: HashMap<String, Option<usize>> = HashMap::new();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let mut day_files = 0u64;
        let result = archive::for_each_member(
            path,
            &|name| archive::has_extension(name, &["json"]),
            &mut |warning| notes.push("zip", Level::Error, None, None, warning),
            &mut |name, reader| {
                let Some((channel, day)) = name.rsplit_once('/') else {
                    return Ok(());
                };
                let channel = channel.rsplit('/').next().unwrap_or(channel).to_string();
                if NaiveDate::parse_from_str(day.trim_end_matches(".json"), "%Y-%m-%d").is_err() {
                    return Ok(());
                }
                day_files += 1;
                let label = format!("{file}/{name}");
                let account = *channels
                    .entry(channel.clone())
                    .or_insert_with(|| channel_account(&channel, &label, ctx, parsed));
                let Some(account) = account else {
                    let _ = std::io::copy(reader, &mut std::io::sink());
                    return Ok(());
                };
                let day_messages: Vec<SlackMessage> = match serde_json::from_reader(reader) {
                    Ok(list) => list,
                    Err(err) => {
                        let mut messages = Messages::new(&label);
                        messages.error(
                            "invalid-json",
                            u64::try_from(err.line()).unwrap_or(0),
                            Some(&format!("column {}", err.column())),
                            format!(
                                "invalid JSON: {}; the file's messages were skipped",
                                json_error_text(&err)
                            ),
                        );
                        parsed.messages.extend(messages.finish());
                        parsed.rows_rejected += 1;
                        return Ok(());
                    }
                };
                let tally = tallies.entry(account).or_default();
                for message in day_messages {
                    if matches!(
                        message.subtype.as_deref(),
                        Some(
                            "channel_join" | "channel_leave" | "channel_topic" | "channel_purpose"
                        )
                    ) {
                        continue;
                    }
                    if !seen.insert((channel.clone(), message.ts.clone())) {
                        continue;
                    }
                    parsed.rows_read += 1;
                    tally.messages += 1;
                    scan_message(&message, &channel, ctx, tally);
                }
                Ok(())
            },
        );
        result.map_err(refuse)?;
        let mut unused: Vec<&String> = (ctx.config.channels.keys())
            .filter(|mapped| !channels.contains_key(*mapped))
            .collect();
        unused.sort();
        for channel in unused {
            parsed.messages.push(setting_message(
                channel,
                Level::Warning,
                format!("{file} has no channel `{channel}`"),
            ));
        }
        if day_files == 0 {
            return Err(refuse(
                "not a Slack workspace export: no <channel>/<YYYY-MM-DD>.json files in the archive"
                    .to_string(),
            ));
        }
        parsed.messages.extend(notes.finish());
        names.push(file);
    }
    write_blocks(ctx, parsed, tallies, &names);
    Ok(())
}

fn write_blocks(
    ctx: &Context<'_>,
    parsed: &mut Parsed,
    tallies: HashMap<usize, Tally>,
    names: &[String],
) {
    let frame = ctx.frame(
        "Conversations (imported from Slack)".to_string(),
        &["Messages", "Risk signals"],
        true,
        names,
    );
    for (account, tally) in tallies {
        let risks: Vec<String> = tally.risks.into_values().collect();
        let row = vec![
            tally.messages.to_compact_string(),
            risks.len().to_compact_string(),
        ];
        let mut block = Block::new(&frame, vec![(ctx.today, row)]);
        block.risks = risks;
        parsed.updates.entry(account).block = Some(block);
    }
}

/// Finds the account a channel is about: the configured one, else the account whose name the
/// channel name spells. A configured account that does not exist is listed as unmatched.
/// Builds a message about the `[import.slack] channels` entry of `channel`.
fn setting_message(channel: &str, level: Level, message: String) -> Message {
    Message {
        file: crate::vault::config::CONFIG_FILE.to_string(),
        line: None,
        field: Some(format!("import.slack.channels.{channel}")),
        level,
        message,
    }
}

fn channel_account(
    channel: &str,
    label: &str,
    ctx: &mut Context<'_>,
    parsed: &mut Parsed,
) -> Option<usize> {
    if let Some(account) = ctx.config.channels.get(channel).cloned() {
        let query = Query {
            names: vec![account],
            ..Query::default()
        };
        // A mapped channel names an account of the vault; a misspelt name is a setting to fix,
        // not an account to create.
        let found = ctx.matcher.find(&query);
        if found.is_none() {
            let problem = match ctx.matcher.ambiguity(&query) {
                Some(sharers) => format!("could be any of {} accounts", sharers.len()),
                None => "matches no account".to_string(),
            };
            parsed.messages.push(setting_message(
                channel,
                Level::Error,
                format!(
                    "`{}` {problem}, so the channel's messages were left out",
                    query.names[0]
                ),
            ));
        }
        return found;
    }
    let words: Vec<&str> = channel
        .split(['-', '_', '.'])
        .filter(|w| !w.is_empty() && !CHANNEL_WORDS.contains(w))
        .collect();
    let query = Query {
        names: vec![words.join(" ")],
        ..Query::default()
    };
    let found = ctx.matcher.find(&query);
    if found.is_none() && channel.starts_with("ext") {
        parsed.unmatched.push(Unmatched {
            file: label.to_string(),
            line: 0,
            account: format!("#{channel}"),
        });
    }
    found
}

fn scan_message(message: &SlackMessage, channel: &str, ctx: &Context<'_>, tally: &mut Tally) {
    let hits = risk::scan(&message.text);
    if hits.is_empty() {
        return;
    }
    let Some(date) = message
        .ts
        .split('.')
        .next()
        .and_then(|s| s.parse::<i64>().ok())
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .map(|t| t.with_timezone(&ctx.config.timezone).date_naive())
    else {
        return;
    };
    let flat: String = message
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let quote: String = if flat.chars().count() > QUOTE_CHARS {
        format!("{}...", flat.chars().take(QUOTE_CHARS).collect::<String>())
    } else {
        flat
    };
    for (category, _) in hits {
        let line = format!(
            "{date} {} in Slack `#{channel}` at {}: `{}` {}",
            category.label(),
            message.ts,
            quote.replace('`', "'"),
            category.tag()
        );
        tally
            .risks
            .insert((date, format!("{}{}", message.ts, category.0)), line);
    }
}
