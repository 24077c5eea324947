//! Vault configuration: `.dex.toml` at the vault root, merged over built-in defaults.
//!
//! The file uses `snake_case` keys; every key is optional. [`ConfigFile`] is the file as written,
//! [`Config`] the validated settings the rest of Dex reads.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

/// Name of the configuration file at the vault root.
pub const CONFIG_FILE: &str = ".dex.toml";

/// `.dex.toml` as written. Unknown keys are rejected so that a typo is reported, not ignored.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    /// Fixed "today" as `YYYY-MM-DD`, for reproducible output.
    pub today: Option<String>,
    /// IANA time zone used to compute today's date, such as `Europe/Berlin`.
    pub timezone: Option<String>,
    /// Folder layout.
    pub folders: FoldersFile,
    /// Task settings.
    pub tasks: TasksFile,
    /// Which diagnostics are reported and at what severity.
    pub diagnostics: DiagnosticsFile,
    /// Free-form vault metadata, such as a display name.
    pub vault: Option<toml::Table>,
    /// `[import.<source>]` tables, read and validated by the importers.
    pub import: toml::Table,
}

/// `[folders]` in `.dex.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FoldersFile {
    /// Folder whose subfolders are accounts (default `Active/Accounts`).
    pub accounts: Option<String>,
    /// Folder name that holds stakeholder groups, anywhere in the vault (default `Relationships`).
    pub relationships: Option<String>,
    /// Folder for meeting notes (default `Inbox/Meetings`).
    pub meetings: Option<String>,
    /// Folder of note templates (default `System/Templates`).
    pub templates: Option<String>,
    /// Gitignore-style patterns of paths to leave out of the index.
    pub ignore: Vec<String>,
}

/// `[tasks]` in `.dex.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TasksFile {
    /// Days ahead that count as "due soon" (default 7).
    pub due_soon_days: Option<u32>,
}

/// `[diagnostics]` in `.dex.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiagnosticsFile {
    /// Turns every diagnostic off when `false` (default `true`).
    pub enabled: Option<bool>,
    /// Severity per diagnostic code: `error`, `warning`, `information`, `hint` or `off`.
    pub severity: HashMap<String, String>,
}

/// How serious a finding is; `Off` turns the diagnostic off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Must be fixed.
    Error,
    /// Should be looked at.
    Warning,
    /// Worth knowing.
    Information,
    /// A suggestion.
    Hint,
    /// Not reported.
    Off,
}

impl Severity {
    /// Parses a severity name as written in configuration.
    pub fn parse(name: &str) -> Option<Severity> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "error" => Severity::Error,
            "warning" | "warn" => Severity::Warning,
            "information" | "info" => Severity::Information,
            "hint" => Severity::Hint,
            "off" | "none" => Severity::Off,
            _ => return None,
        })
    }

    /// The lower-case name used in messages and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
            Severity::Off => "off",
        }
    }
}

/// Resolved, validated vault settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Fixed "today" from the file, if set.
    pub today: Option<NaiveDate>,
    /// Time zone for "today".
    pub timezone: Option<chrono_tz::Tz>,
    /// Accounts folder, relative to the vault root, with `/` separators.
    pub accounts_folder: String,
    /// Folder name that marks stakeholder notes.
    pub relationships_folder: String,
    /// Meeting notes folder.
    pub meetings_folder: String,
    /// Templates folder.
    pub templates_folder: String,
    /// Paths left out of the index.
    pub ignore: Vec<String>,
    /// Days ahead that count as "due soon".
    pub due_soon_days: u32,
    /// Whether diagnostics are reported at all.
    pub diagnostics_enabled: bool,
    /// Severity overrides by diagnostic code.
    pub severity: HashMap<String, Severity>,
    /// `[import.<source>]` tables as written; each importer validates its own.
    pub import: toml::Table,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            today: None,
            timezone: None,
            accounts_folder: "Active/Accounts".into(),
            relationships_folder: "Relationships".into(),
            meetings_folder: "Inbox/Meetings".into(),
            templates_folder: "System/Templates".into(),
            ignore: Vec::new(),
            due_soon_days: 7,
            diagnostics_enabled: true,
            severity: HashMap::new(),
            import: toml::Table::new(),
        }
    }
}

/// A problem in `.dex.toml`, with enough context to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The configuration file.
    pub path: String,
    /// What is wrong, naming the key and value.
    pub message: String,
}

impl Config {
    /// Reads `.dex.toml` from `root`. A missing file gives the defaults; an invalid one gives
    /// the defaults plus the error, so the vault keeps working.
    pub fn load(root: &Path) -> (Config, Option<ConfigError>) {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => match Config::from_toml(&text) {
                Ok(config) => (config, None),
                Err(message) => (
                    Config::default(),
                    Some(ConfigError {
                        path: path.display().to_string(),
                        message,
                    }),
                ),
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
            Err(err) => (
                Config::default(),
                Some(ConfigError {
                    path: path.display().to_string(),
                    message: err.to_string(),
                }),
            ),
        }
    }

    /// Parses and validates the text of a `.dex.toml` file.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|err| err.to_string())?;
        Config::resolve(file)
    }

    /// Validates a parsed file and fills in defaults.
    pub fn resolve(file: ConfigFile) -> Result<Config, String> {
        let mut config = Config::default();
        if let Some(today) = file.today {
            config.today = Some(parse_date(&today).map_err(|err| format!("today: {err}"))?);
        }
        if let Some(zone) = file.timezone {
            config.timezone = Some(zone.parse().map_err(|_| {
                format!(
                    "timezone: unknown time zone `{zone}`; use an IANA name such as `Europe/Berlin`"
                )
            })?);
        }
        let folders = file.folders;
        let clean = |value: String| value.trim_matches('/').replace('\\', "/");
        if let Some(value) = folders.accounts {
            config.accounts_folder = clean(value);
        }
        if let Some(value) = folders.relationships {
            config.relationships_folder = clean(value);
        }
        if let Some(value) = folders.meetings {
            config.meetings_folder = clean(value);
        }
        if let Some(value) = folders.templates {
            config.templates_folder = clean(value);
        }
        config.ignore = folders.ignore;
        config.import = file.import;
        if let Some(days) = file.tasks.due_soon_days {
            config.due_soon_days = days;
        }
        if let Some(enabled) = file.diagnostics.enabled {
            config.diagnostics_enabled = enabled;
        }
        for (code, name) in file.diagnostics.severity {
            let severity = Severity::parse(&name).ok_or_else(|| {
                format!(
                    "diagnostics.severity.{code}: invalid severity `{name}`; use error, warning, information, hint or off"
                )
            })?;
            config.severity.insert(code, severity);
        }
        Ok(config)
    }
}

/// Parses `YYYY-MM-DD`, naming the value when it is invalid.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("invalid date `{text}`; expected YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty() {
        let config = Config::from_toml("").unwrap();
        assert_eq!(config.accounts_folder, "Active/Accounts");
        assert_eq!(config.due_soon_days, 7);
    }

    #[test]
    fn reads_every_section() {
        let config = Config::from_toml(
            "today = \"2026-03-15\"\ntimezone = \"Asia/Tokyo\"\n[folders]\naccounts = \"Book/\"\n\
             [tasks]\ndue_soon_days = 3\n[diagnostics.severity]\noverdue = \"error\"\n",
        )
        .unwrap();
        assert_eq!(config.today, NaiveDate::from_ymd_opt(2026, 3, 15));
        assert_eq!(config.timezone, Some(chrono_tz::Asia::Tokyo));
        assert_eq!(config.accounts_folder, "Book");
        assert_eq!(config.due_soon_days, 3);
        assert_eq!(config.severity["overdue"], Severity::Error);
    }

    #[test]
    fn invalid_values_name_key_and_value() {
        let err = Config::from_toml("today = \"2026-02-30\"").unwrap_err();
        assert!(err.contains("today") && err.contains("2026-02-30"), "{err}");
        let err = Config::from_toml("timezone = \"Mars/Base\"").unwrap_err();
        assert!(err.contains("Mars/Base"), "{err}");
        let err = Config::from_toml("[diagnostics.severity]\noverdue = \"loud\"").unwrap_err();
        assert!(err.contains("overdue") && err.contains("loud"), "{err}");
        let err = Config::from_toml("tody = \"2026-01-01\"").unwrap_err();
        assert!(err.contains("tody"), "{err}");
    }
}

/// Environment variable that fixes "today" when no `--today` flag is given.
pub const TODAY_ENV: &str = "DEX_TODAY";

/// Today's date, from the first of: the `--today` flag, the `DEX_TODAY` variable, `today` in the
/// configuration, and the clock in the configured time zone (else the machine's local zone).
pub fn resolve_today(
    flag: Option<NaiveDate>,
    env: Option<&str>,
    config: &Config,
) -> Result<NaiveDate, String> {
    if let Some(date) = flag {
        return Ok(date);
    }
    if let Some(value) = env.map(str::trim).filter(|v| !v.is_empty()) {
        return parse_date(value).map_err(|err| format!("{TODAY_ENV}: {err}"));
    }
    if let Some(date) = config.today {
        return Ok(date);
    }
    Ok(match config.timezone {
        Some(zone) => chrono::Utc::now().with_timezone(&zone).date_naive(),
        None => chrono::Local::now().date_naive(),
    })
}

#[cfg(test)]
mod today_tests {
    use super::*;

    #[test]
    fn flag_then_env_then_config() {
        let config = Config {
            today: NaiveDate::from_ymd_opt(2026, 1, 1),
            ..Config::default()
        };
        let flag = NaiveDate::from_ymd_opt(2026, 3, 15);
        assert_eq!(
            resolve_today(flag, Some("2026-02-02"), &config),
            Ok(flag.unwrap())
        );
        assert_eq!(
            resolve_today(None, Some("2026-02-02"), &config),
            Ok(NaiveDate::from_ymd_opt(2026, 2, 2).unwrap())
        );
        assert_eq!(
            resolve_today(None, None, &config),
            Ok(config.today.unwrap())
        );
        let err = resolve_today(None, Some("2026-13-01"), &config).unwrap_err();
        assert!(
            err.contains("DEX_TODAY") && err.contains("2026-13-01"),
            "{err}"
        );
    }
}
