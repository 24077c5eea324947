//! `[import.<source>]` tables of `.dex.toml`, validated into typed settings.
//!
//! The vault configuration keeps these tables as written; this module checks them when an
//! import runs, so a typo or a wrong type is reported with its key and value.

use std::collections::HashMap;

use chrono_tz::Tz;

use super::Source;
use super::values::DateOrder;

/// How rows are matched to accounts, tried in the configured order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchRule {
    /// An id in the Overview frontmatter (`salesforce_id`, `gainsight_id`, `zendesk_org`).
    Id,
    /// The account's folder name or a frontmatter alias, case- and punctuation-insensitively.
    Name,
    /// `domain:` in the Overview frontmatter, against email addresses and websites.
    Domain,
}

/// Validated settings of one source.
#[derive(Clone, Debug)]
pub struct SourceConfig {
    /// Zone of date-times written without an offset (`timezone`; default the vault's
    /// `timezone`, else UTC).
    pub timezone: Tz,
    /// The zone that `timezone` or the vault's `timezone` sets, or `None` when neither does
    /// and [`SourceConfig::timezone`] is UTC by default.
    pub configured_timezone: Option<Tz>,
    /// Order of slash-separated dates (`date_order`: `mdy` default, or `dmy`).
    pub date_order: DateOrder,
    /// Column header per field name (`columns`), overriding the built-in aliases.
    pub columns: HashMap<String, String>,
    /// Matching rules in order (`match`; default id, name, domain).
    pub matching: Vec<MatchRule>,
    /// Email domains never used to match an account (`ignore_domains`; default webmail
    /// providers).
    pub ignore_domains: Vec<String>,
    /// Legal-form words dropped from the end of names before matching (`name_suffixes`).
    pub name_suffixes: Vec<String>,
    /// Salesforce: the Account column with the renewal date (`renewal_field`, such as
    /// `Renewal_Date__c`); when unset, the open renewal opportunity's close date is used.
    pub renewal_field: Option<String>,
    /// Salesforce: the Account column with ARR (`arr_field`; default the first of `ARR__c`,
    /// `ARR`, `Annual Recurring Revenue`).
    pub arr_field: Option<String>,
    /// Salesforce: opportunity `Type` values that mean a renewal (`renewal_types`; default
    /// `Renewal`).
    pub renewal_types: Vec<String>,
    /// Gainsight, `ChurnZero`: the top of the vendor's score scale (`score_scale`; default 100).
    pub score_scale: f64,
    /// Gainsight, `ChurnZero`: whether a higher vendor score means a healthier account
    /// (`higher_is_healthier`; default true).
    pub higher_is_healthier: bool,
    /// Zendesk, Intercom: urgent or high tickets in 30 days that can make a spike (`spike_min`;
    /// default 5).
    pub spike_min: u64,
    /// Zendesk, Intercom: how many times the previous 30 days' count makes a spike
    /// (`spike_ratio`; default 2.0).
    pub spike_ratio: f64,
    /// Pendo, Amplitude: fraction below the baseline that is a usage drop (`drop_threshold`;
    /// default 0.3).
    pub drop_threshold: f64,
    /// Pendo, Amplitude: earlier weeks or imports averaged into the baseline
    /// (`baseline_weeks`; default 4).
    pub baseline_weeks: usize,
    /// Amplitude: where an event names its account (`account_property`; default
    /// `groups.company`, then `user_properties.company`).
    pub account_property: String,
    /// iCalendar: your own email domains, whose attendees are not customers
    /// (`internal_domains`; default the organizers' domains).
    pub internal_domains: Vec<String>,
    /// iCalendar: days before today whose meetings get stubs (`past_days`; default 14).
    pub past_days: i64,
    /// iCalendar: days after today whose meetings get stubs (`future_days`; default 60).
    pub future_days: i64,
    /// iCalendar: days before a QBR that its preparation is due (`qbr_prep_days`; default 7).
    pub qbr_prep_days: i64,
    /// Slack: channel name to account name (`channels`).
    pub channels: HashMap<String, String>,
}

/// Webmail and calendar domains that say nothing about a person's company.
const WEBMAIL_DOMAINS: [&str; 8] = [
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "resource.calendar.google.com",
];

const LEGAL_SUFFIXES: [&str; 10] = [
    "inc", "llc", "ltd", "limited", "gmbh", "ag", "plc", "sa", "bv", "co",
];

impl SourceConfig {
    /// The defaults, with date-times read in `timezone`.
    pub fn defaults(timezone: Tz) -> SourceConfig {
        SourceConfig {
            timezone,
            configured_timezone: None,
            date_order: DateOrder::MonthFirst,
            columns: HashMap::new(),
            matching: vec![MatchRule::Id, MatchRule::Name, MatchRule::Domain],
            ignore_domains: WEBMAIL_DOMAINS.iter().map(|d| (*d).to_string()).collect(),
            name_suffixes: LEGAL_SUFFIXES.iter().map(|s| (*s).to_string()).collect(),
            renewal_field: None,
            arr_field: None,
            renewal_types: vec!["Renewal".to_string()],
            score_scale: 100.0,
            higher_is_healthier: true,
            spike_min: 5,
            spike_ratio: 2.0,
            drop_threshold: 0.3,
            baseline_weeks: 4,
            account_property: "groups.company".to_string(),
            internal_domains: Vec::new(),
            past_days: 14,
            future_days: 60,
            qbr_prep_days: 7,
            channels: HashMap::new(),
        }
    }
}

const COMMON_KEYS: [&str; 6] = [
    "timezone",
    "date_order",
    "columns",
    "match",
    "ignore_domains",
    "name_suffixes",
];

/// Keys a source accepts besides [`COMMON_KEYS`].
fn source_keys(source: Source) -> &'static [&'static str] {
    match source {
        Source::Salesforce => &["renewal_field", "arr_field", "renewal_types"],
        Source::Gainsight | Source::Churnzero => &["score_scale", "higher_is_healthier"],
        Source::Zendesk | Source::Intercom => &["spike_min", "spike_ratio"],
        Source::Pendo => &["drop_threshold", "baseline_weeks"],
        Source::Amplitude => &["drop_threshold", "baseline_weeks", "account_property"],
        Source::Ics => &[
            "internal_domains",
            "past_days",
            "future_days",
            "qbr_prep_days",
        ],
        Source::Slack => &["channels"],
    }
}

/// Reads and validates `[import.<source>]` from the vault's raw `import` table. Errors name the
/// key (as `import.<source>.<key>`) and the value.
pub fn load(
    tables: &toml::Table,
    source: Source,
    vault_zone: Option<Tz>,
) -> Result<SourceConfig, String> {
    for name in tables.keys() {
        if Source::from_slug(name).is_none() {
            let known: Vec<_> = Source::ALL.iter().map(|s| s.slug()).collect();
            return Err(format!(
                "import.{name}: unknown import source; use one of {}",
                known.join(", ")
            ));
        }
    }
    let mut config = SourceConfig::defaults(vault_zone.unwrap_or(chrono_tz::UTC));
    config.configured_timezone = vault_zone;
    let Some(value) = tables.get(source.slug()) else {
        return Ok(config);
    };
    let slug = source.slug();
    let table = value
        .as_table()
        .ok_or_else(|| format!("import.{slug}: expected a table, found `{value}`"))?;
    let allowed = source_keys(source);
    for (key, value) in table {
        let path = format!("import.{slug}.{key}");
        if !COMMON_KEYS.contains(&key.as_str()) && !allowed.contains(&key.as_str()) {
            let mut known: Vec<&str> = COMMON_KEYS.to_vec();
            known.extend_from_slice(allowed);
            return Err(format!(
                "{path}: unknown key for the {slug} importer; known keys: {}",
                known.join(", ")
            ));
        }
        apply_key(&mut config, key, value, &path)?;
    }
    Ok(config)
}

fn apply_key(
    config: &mut SourceConfig,
    key: &str,
    value: &toml::Value,
    path: &str,
) -> Result<(), String> {
    match key {
        "timezone" => {
            let name = string(value, path)?;
            config.timezone = name.parse().map_err(|_| {
                format!(
                    "{path}: unknown time zone `{name}`; use an IANA name such as Europe/Berlin"
                )
            })?;
            config.configured_timezone = Some(config.timezone);
        }
        "date_order" => {
            config.date_order = match string(value, path)?.as_str() {
                "mdy" => DateOrder::MonthFirst,
                "dmy" => DateOrder::DayFirst,
                other => {
                    return Err(format!("{path}: invalid value `{other}`; use mdy or dmy"));
                }
            };
        }
        "columns" => config.columns = string_table(value, path)?,
        "match" => {
            let mut rules = Vec::new();
            for name in string_list(value, path)? {
                rules.push(match name.as_str() {
                    "id" => MatchRule::Id,
                    "name" => MatchRule::Name,
                    "domain" => MatchRule::Domain,
                    other => {
                        return Err(format!(
                            "{path}: invalid rule `{other}`; use id, name or domain"
                        ));
                    }
                });
            }
            if rules.is_empty() {
                return Err(format!(
                    "{path}: no rules, so no row would match an account; list one or more of \
                     id, name and domain"
                ));
            }
            config.matching = rules;
        }
        "ignore_domains" => config.ignore_domains = lower_list(value, path)?,
        "name_suffixes" => config.name_suffixes = lower_list(value, path)?,
        "renewal_field" => config.renewal_field = Some(string(value, path)?),
        "arr_field" => config.arr_field = Some(string(value, path)?),
        "renewal_types" => config.renewal_types = string_list(value, path)?,
        "score_scale" => config.score_scale = positive(value, path)?,
        "higher_is_healthier" => {
            config.higher_is_healthier = value
                .as_bool()
                .ok_or_else(|| format!("{path}: invalid value `{value}`; use true or false"))?;
        }
        "spike_min" => config.spike_min = whole(value, path)?,
        "spike_ratio" => config.spike_ratio = positive(value, path)?,
        "drop_threshold" => {
            let fraction = positive(value, path)?;
            if fraction >= 1.0 {
                return Err(format!(
                    "{path}: invalid value `{value}`; use a fraction between 0 and 1, such as 0.3"
                ));
            }
            config.drop_threshold = fraction;
        }
        "baseline_weeks" => {
            config.baseline_weeks = usize::try_from(whole(value, path)?.max(1)).unwrap_or(1);
        }
        "account_property" => config.account_property = string(value, path)?,
        "internal_domains" => config.internal_domains = lower_list(value, path)?,
        "past_days" => config.past_days = days(value, path)?,
        "future_days" => config.future_days = days(value, path)?,
        "qbr_prep_days" => config.qbr_prep_days = days(value, path)?,
        "channels" => {
            config.channels = string_table(value, path)?
                .into_iter()
                .map(|(channel, account)| (channel.trim_start_matches('#').to_string(), account))
                .collect();
        }
        _ => return Err(format!("{path}: unknown key")),
    }
    Ok(())
}

/// Returns the machine's time zone: the one the `TZ` variable names (`Europe/Berlin`,
/// `:Europe/Berlin` or a path into a `zoneinfo` folder), else the system setting
/// (`/etc/localtime` on Linux), else `None`.
pub fn machine_timezone() -> Option<Tz> {
    let from_variable = std::env::var("TZ")
        .ok()
        .and_then(|value| zone_of_variable(&value));
    from_variable.or_else(|| iana_time_zone::get_timezone().ok()?.parse().ok())
}

/// Reads an IANA zone name from a `TZ` value. A POSIX rule such as `<+03>-3` names none.
/// NOTE: with such a rule, meetings are dated by the system setting while "today" follows the
/// rule, because `chrono::Local` reads it.
fn zone_of_variable(value: &str) -> Option<Tz> {
    let name = value.trim().trim_start_matches(':');
    let name = name.rsplit_once("zoneinfo/").map_or(name, |(_, zone)| zone);
    name.parse().ok()
}

fn string(value: &toml::Value, path: &str) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{path}: invalid value `{value}`; expected a string"))
}

fn string_list(value: &toml::Value, path: &str) -> Result<Vec<String>, String> {
    let invalid = || format!("{path}: invalid value `{value}`; expected a list of strings");
    value
        .as_array()
        .ok_or_else(invalid)?
        .iter()
        .map(|item| item.as_str().map(str::to_string).ok_or_else(invalid))
        .collect()
}

fn lower_list(value: &toml::Value, path: &str) -> Result<Vec<String>, String> {
    Ok(string_list(value, path)?
        .into_iter()
        .map(|item| item.trim().to_lowercase())
        .collect())
}

fn string_table(value: &toml::Value, path: &str) -> Result<HashMap<String, String>, String> {
    let table = value.as_table().ok_or_else(|| {
        format!(
            "{path}: invalid value `{value}`; expected a table of strings, such as {{ a = \"b\" }}"
        )
    })?;
    table
        .iter()
        .map(|(key, item)| Ok((key.clone(), string(item, &format!("{path}.{key}"))?)))
        .collect()
}

fn positive(value: &toml::Value, path: &str) -> Result<f64, String> {
    #[allow(
        clippy::cast_precision_loss,
        reason = "configuration numbers are small"
    )]
    let number = value
        .as_float()
        .or_else(|| value.as_integer().map(|i| i as f64))
        .filter(|n| n.is_finite() && *n > 0.0);
    number.ok_or_else(|| format!("{path}: invalid value `{value}`; expected a number above 0"))
}

fn whole(value: &toml::Value, path: &str) -> Result<u64, String> {
    value
        .as_integer()
        .and_then(|i| u64::try_from(i).ok())
        .ok_or_else(|| {
            format!("{path}: invalid value `{value}`; expected a whole number of 0 or more")
        })
}

fn days(value: &toml::Value, path: &str) -> Result<i64, String> {
    let days = whole(value, path)?;
    if days > 3660 {
        return Err(format!(
            "{path}: invalid value `{value}`; use at most 3660 days"
        ));
    }
    Ok(i64::try_from(days).unwrap_or(3660))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str, source: Source) -> Result<SourceConfig, String> {
        let table: toml::Table = toml::from_str(text).unwrap();
        load(&table, source, None)
    }

    #[test]
    fn reads_settings_and_defaults() {
        let config = load_text(
            "[zendesk]\ntimezone = \"America/Chicago\"\nspike_min = 3\ncolumns = { organization = \"Customer\" }\n",
            Source::Zendesk,
        )
        .unwrap();
        assert_eq!(config.timezone, chrono_tz::America::Chicago);
        assert_eq!(
            config.configured_timezone,
            Some(chrono_tz::America::Chicago)
        );
        assert_eq!(config.spike_min, 3);
        assert!((config.spike_ratio - 2.0).abs() < f64::EPSILON);
        assert_eq!(config.columns["organization"], "Customer");
    }

    #[test]
    fn timezone_falls_back_to_the_vault() {
        let table: toml::Table = toml::from_str("[ics]\npast_days = 3\n").unwrap();
        let vault = load(&table, Source::Ics, Some(chrono_tz::Asia::Tokyo)).unwrap();
        assert_eq!(vault.timezone, chrono_tz::Asia::Tokyo);
        assert_eq!(vault.configured_timezone, Some(chrono_tz::Asia::Tokyo));

        let unset = load(&table, Source::Ics, None).unwrap();
        assert_eq!(unset.timezone, chrono_tz::UTC);
        assert_eq!(unset.configured_timezone, None);
    }

    #[test]
    fn tz_variable_forms() {
        let berlin = Some(chrono_tz::Europe::Berlin);
        assert_eq!(zone_of_variable("Europe/Berlin"), berlin);
        assert_eq!(zone_of_variable(":Europe/Berlin"), berlin);
        assert_eq!(
            zone_of_variable("/usr/share/zoneinfo/Europe/Berlin"),
            berlin
        );
        assert_eq!(zone_of_variable("<+03>-3"), None);
        assert_eq!(zone_of_variable(""), None);
    }

    #[test]
    fn invalid_keys_name_key_and_value() {
        let err = load_text("[zendesk]\nspike_mn = 3\n", Source::Zendesk).unwrap_err();
        assert!(err.contains("import.zendesk.spike_mn"), "{err}");
        let err = load_text("[zendesk]\nspike_ratio = \"lots\"\n", Source::Zendesk).unwrap_err();
        assert!(err.contains("spike_ratio") && err.contains("lots"), "{err}");
        let err = load_text("[zendesk]\ntimezone = \"Mars/Base\"\n", Source::Zendesk).unwrap_err();
        assert!(err.contains("Mars/Base"), "{err}");
        let err = load_text("[hubspot]\nx = 1\n", Source::Zendesk).unwrap_err();
        assert!(err.contains("import.hubspot"), "{err}");
        let err = load_text("[slack]\nspike_min = 1\n", Source::Slack).unwrap_err();
        assert!(err.contains("import.slack.spike_min"), "{err}");
        let err = load_text("[pendo]\ndrop_threshold = 1.5\n", Source::Pendo).unwrap_err();
        assert!(err.contains("1.5"), "{err}");
        let err = load_text("[pendo]\nmatch = []\n", Source::Pendo).unwrap_err();
        assert!(err.contains("import.pendo.match: no rules"), "{err}");
    }
}
