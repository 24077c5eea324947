//! Vault configuration: `.dex.toml` at the vault root, merged over built-in defaults.
//!
//! The file uses `snake_case` keys; every key is optional. [`ConfigFile`] is the file as written,
//! [`Config`] the validated settings the rest of Dex reads.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
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
    /// Health score weights and bands.
    pub health: HealthFile,
    /// Renewal planning windows.
    pub renewal: RenewalFile,
    /// Account-level checks.
    pub accounts: AccountsFile,
    /// Extra risk phrases and mitigations.
    pub risks: RisksFile,
}

/// `[health]` in `.dex.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthFile {
    /// Weight per measure: `nps`, `adoption`, `risks`, `overdue`, `contact`, `champion`.
    pub weights: HashMap<String, f64>,
    /// Band limits.
    pub bands: BandsFile,
}

/// `[health.bands]`: a score up to `red` is red, up to `yellow` is yellow, above is green.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BandsFile {
    /// Highest red score (default 50).
    pub red: Option<u32>,
    /// Highest yellow score (default 75).
    pub yellow: Option<u32>,
}

/// `[renewal]` in `.dex.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RenewalFile {
    /// Days before renewal that open a planning window (default 120, 90, 60, 30).
    pub windows: Option<Vec<u32>>,
}

/// `[accounts]` in `.dex.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsFile {
    /// Days without a meeting after which an account is flagged (default 30).
    pub stale_after_days: Option<u32>,
}

/// `[risks]` in `.dex.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RisksFile {
    /// Extra phrases, each a regular expression with its risk category.
    pub phrases: Vec<PhraseFile>,
    /// Mitigation text per category, used when the vault has no playbook for it.
    pub mitigations: HashMap<String, String>,
}

/// One entry of `[[risks.phrases]]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseFile {
    /// Case-insensitive regular expression.
    pub pattern: String,
    /// Category slug, such as `competitor` or a new one of your own.
    pub category: String,
}

/// The measures of the health score, in a fixed order.
pub const HEALTH_MEASURES: [&str; 6] =
    ["nps", "adoption", "risks", "overdue", "contact", "champion"];

/// Weights of the health score measures, in the order of [`HEALTH_MEASURES`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HealthWeights(pub [f64; 6]);

impl Default for HealthWeights {
    fn default() -> Self {
        HealthWeights([20.0, 25.0, 20.0, 10.0, 15.0, 10.0])
    }
}

impl HealthWeights {
    /// The weight of a measure by name.
    pub fn get(&self, measure: &str) -> f64 {
        HEALTH_MEASURES
            .iter()
            .position(|m| *m == measure)
            .map_or(0.0, |i| self.0[i])
    }

    /// Sets weights from a name-to-weight map, rejecting unknown names and negative weights.
    pub fn apply(&mut self, weights: &HashMap<String, f64>, key: &str) -> Result<(), String> {
        for (name, weight) in weights {
            let Some(index) = HEALTH_MEASURES.iter().position(|m| m == name) else {
                return Err(format!(
                    "{key}.{name}: unknown measure; use one of {}",
                    HEALTH_MEASURES.join(", ")
                ));
            };
            if !weight.is_finite() || *weight < 0.0 {
                return Err(format!(
                    "{key}.{name}: invalid weight {weight}; use a number of 0 or more"
                ));
            }
            self.0[index] = *weight;
        }
        Ok(())
    }
}

/// Checks band limits: both within 0 to 100 and red below yellow.
pub fn check_bands(red: u32, yellow: u32, key: &str) -> Result<(), String> {
    if red >= yellow || yellow > 100 {
        return Err(format!(
            "{key}: invalid bands red = {red}, yellow = {yellow}; need red < yellow <= 100"
        ));
    }
    Ok(())
}

/// Checks renewal windows: positive day counts; returns them sorted from the widest.
pub fn check_windows(windows: &[u32], key: &str) -> Result<Vec<u32>, String> {
    if windows.is_empty() || windows.contains(&0) {
        return Err(format!(
            "{key}: invalid windows {windows:?}; use positive day counts such as [120, 90, 60, 30]"
        ));
    }
    let mut sorted = windows.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    Ok(sorted)
}

/// `[folders]` in `.dex.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FoldersFile {
    /// Folder whose subfolders are accounts (default `Active/Accounts`).
    pub accounts: Option<String>,
    /// Folder name that contains stakeholder groups, anywhere in the vault (default `Relationships`).
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

/// Rewrites Rust type names in a TOML error (`expected u32`) as the kind of value to write.
fn plain_types(message: &str) -> String {
    static TYPES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"expected (?:(u8|u16|u32|u64|usize|i8|i16|i32|i64|isize)|(f32|f64))\b")
            .expect("valid regex")
    });
    TYPES
        .replace_all(message, |caps: &regex::Captures<'_>| {
            if caps.get(1).is_some() {
                "expected a whole number".to_string()
            } else {
                "expected a number".to_string()
            }
        })
        .into_owned()
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
    /// Health score weights.
    pub health_weights: HealthWeights,
    /// Highest red and highest yellow score.
    pub bands: (u32, u32),
    /// Renewal windows in days, widest first.
    pub renewal_windows: Vec<u32>,
    /// Days without a meeting after which an account is flagged.
    pub stale_after_days: u32,
    /// Extra risk phrases: case-insensitive pattern and category slug.
    pub risk_phrases: Vec<(regex::Regex, String)>,
    /// Mitigations by category slug, from the configuration.
    pub mitigations: HashMap<String, String>,
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
            health_weights: HealthWeights::default(),
            bands: (50, 75),
            renewal_windows: vec![120, 90, 60, 30],
            stale_after_days: 30,
            risk_phrases: Vec::new(),
            mitigations: HashMap::new(),
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
        let file: ConfigFile = toml::from_str(text).map_err(|err| plain_types(&err.to_string()))?;
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
        config
            .health_weights
            .apply(&file.health.weights, "health.weights")?;
        let red = file.health.bands.red.unwrap_or(config.bands.0);
        let yellow = file.health.bands.yellow.unwrap_or(config.bands.1);
        check_bands(red, yellow, "health.bands")?;
        config.bands = (red, yellow);
        if let Some(windows) = &file.renewal.windows {
            config.renewal_windows = check_windows(windows, "renewal.windows")?;
        }
        if let Some(days) = file.accounts.stale_after_days {
            config.stale_after_days = days;
        }
        for (index, phrase) in file.risks.phrases.iter().enumerate() {
            let pattern = regex::RegexBuilder::new(&phrase.pattern)
                .case_insensitive(true)
                .build()
                .map_err(|err| {
                    format!(
                        "risks.phrases[{index}].pattern: invalid regular expression `{}`: {err}",
                        phrase.pattern
                    )
                })?;
            let category = phrase
                .category
                .trim()
                .to_lowercase()
                .replace([' ', '_'], "-");
            if category.is_empty() {
                return Err(format!("risks.phrases[{index}].category: missing category"));
            }
            config.risk_phrases.push((pattern, category));
        }
        config.mitigations = file
            .risks
            .mitigations
            .into_iter()
            .map(|(category, text)| (category.to_lowercase().replace([' ', '_'], "-"), text))
            .collect();
        if let Some(days) = file.tasks.due_soon_days {
            config.due_soon_days = days;
        }
        if let Some(enabled) = file.diagnostics.enabled {
            config.diagnostics_enabled = enabled;
        }
        for (code, name) in file.diagnostics.severity {
            if !super::codes::ALL.iter().any(|(known, _)| *known == code) {
                let known: Vec<&str> = super::codes::ALL.iter().map(|(known, _)| *known).collect();
                return Err(format!(
                    "diagnostics.severity.{code}: unknown diagnostic code `{code}`; the codes are {}",
                    known.join(", ")
                ));
            }
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
    let trimmed = text.trim();
    // chrono also takes `2026-3-5` and `+2026-03-15`; the date is written in full.
    let shaped = trimmed.len() == 10
        && trimmed.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("invalid date `{text}`; expected YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_full() {
        assert_eq!(
            parse_date(" 2026-03-05 "),
            NaiveDate::from_ymd_opt(2026, 3, 5).ok_or(String::new())
        );
        for text in [
            "2026-3-5",
            "+2026-03-15",
            "2026-02-30",
            "20260305",
            "2026/03/05",
            "",
        ] {
            assert!(parse_date(text).is_err(), "{text}");
        }
    }

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
    fn health_renewal_and_risk_sections() {
        let config = Config::from_toml(
            "[health.weights]\nnps = 40\n[health.bands]\nred = 40\nyellow = 70\n[renewal]\nwindows = [30, 180]\n\
             [accounts]\nstale_after_days = 45\n[[risks.phrases]]\npattern = \"layoffs?\"\ncategory = \"Budget\"\n",
        )
        .unwrap();
        assert!((config.health_weights.get("nps") - 40.0).abs() < f64::EPSILON);
        assert!((config.health_weights.get("adoption") - 25.0).abs() < f64::EPSILON);
        assert_eq!(config.bands, (40, 70));
        assert_eq!(config.renewal_windows, [180, 30]);
        assert_eq!(config.stale_after_days, 45);
        assert_eq!(config.risk_phrases[0].1, "budget");
        assert!(config.risk_phrases[0].0.is_match("Layoffs announced"));
        let err = Config::from_toml("[health.weights]\nvibes = 3").unwrap_err();
        assert!(err.contains("health.weights.vibes"), "{err}");
        let err = Config::from_toml("[health.bands]\nred = 80").unwrap_err();
        assert!(err.contains("red = 80"), "{err}");
        let err =
            Config::from_toml("[[risks.phrases]]\npattern = \"(\"\ncategory = \"x\"").unwrap_err();
        assert!(err.contains("risks.phrases[0].pattern"), "{err}");
    }

    #[test]
    fn invalid_values_name_key_and_value() {
        let err = Config::from_toml("today = \"2026-02-30\"").unwrap_err();
        assert!(err.contains("today"), "{err}");
        assert!(err.contains("2026-02-30"), "{err}");
        let err = Config::from_toml("timezone = \"Mars/Base\"").unwrap_err();
        assert!(err.contains("Mars/Base"), "{err}");
        let err = Config::from_toml("[diagnostics.severity]\noverdue = \"loud\"").unwrap_err();
        assert!(err.contains("overdue"), "{err}");
        assert!(err.contains("loud"), "{err}");
        let err = Config::from_toml("tody = \"2026-01-01\"").unwrap_err();
        assert!(err.contains("tody"), "{err}");
    }

    #[test]
    fn type_errors_name_the_kind_of_value() {
        let err = Config::from_toml("[health.bands]\nred = \"high\"").unwrap_err();
        assert!(err.contains("expected a whole number"), "{err}");
        assert!(!err.contains("u32"), "{err}");
    }

    #[test]
    fn unknown_severity_code_rejected() {
        let err = Config::from_toml("[diagnostics.severity]\noverdu = \"off\"").unwrap_err();
        assert!(
            err.contains("diagnostics.severity.overdu: unknown diagnostic code `overdu`"),
            "{err}"
        );
        assert!(err.contains("overdue, due-today, invalid-date"), "{err}");
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
