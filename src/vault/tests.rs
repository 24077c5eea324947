//! Index maintenance: backlinks, account pages, tags and members stay right as notes are added,
//! replaced and removed in any order.

use super::{Config, Note, NoteId, Vault};

fn insert(vault: &mut Vault, path: &str, text: &str) -> NoteId {
    let note = Note::parse(path, text, &vault.config);
    vault.insert(note)
}

fn paths(vault: &Vault, ids: &[NoteId]) -> Vec<String> {
    ids.iter()
        .map(|&id| vault.note(id).unwrap().path.clone())
        .collect()
}

#[test]
fn backlinks_list_each_note_once() {
    let mut vault = Vault::new("/v".into(), Config::default());
    insert(
        &mut vault,
        "Call.md",
        "[[Dana Reyes]] then [[dana reyes|Dana]] and [[People/Dana Reyes]]\n",
    );
    insert(&mut vault, "QBR.md", "[[Dana Reyes#Role]]\n");
    let linking = vault.notes_linking_to_name("Dana Reyes");
    assert_eq!(paths(&vault, &linking), ["Call.md", "QBR.md"]);
}

#[test]
fn backlinks_follow_replacement_and_removal() {
    let mut vault = Vault::new("/v".into(), Config::default());
    insert(&mut vault, "Call.md", "[[Dana Reyes]]\n");
    insert(&mut vault, "QBR.md", "[[Dana Reyes]]\n");
    insert(&mut vault, "Call.md", "[[Someone Else]]\n");
    let linking = vault.notes_linking_to_name("dana reyes");
    assert_eq!(paths(&vault, &linking), ["QBR.md"]);
    assert_eq!(vault.notes_linking_to_name("Someone Else").len(), 1);

    vault.remove("QBR.md");
    assert!(vault.notes_linking_to_name("Dana Reyes").is_empty());
}

#[test]
fn account_pages_stay_sorted_by_path() {
    let mut vault = Vault::new("/v".into(), Config::default());
    for page in [
        "Stakeholders",
        "Health",
        "Overview",
        "Contracts/2026",
        "Action_Items",
    ] {
        insert(
            &mut vault,
            &format!("Active/Accounts/Acme_Corp/{page}.md"),
            "",
        );
    }
    let pages = vault.account("Acme Corp").unwrap().pages.clone();
    assert_eq!(
        paths(&vault, &pages),
        [
            "Active/Accounts/Acme_Corp/Action_Items.md",
            "Active/Accounts/Acme_Corp/Contracts/2026.md",
            "Active/Accounts/Acme_Corp/Health.md",
            "Active/Accounts/Acme_Corp/Overview.md",
            "Active/Accounts/Acme_Corp/Stakeholders.md",
        ]
    );

    vault.remove("Active/Accounts/Acme_Corp/Health.md");
    insert(
        &mut vault,
        "Active/Accounts/Acme_Corp/Health.md",
        "# Health\n",
    );
    let again = vault.account("Acme Corp").unwrap().pages.clone();
    assert_eq!(paths(&vault, &again), paths(&vault, &pages));
}

#[test]
fn tags_count_notes_not_uses() {
    let mut vault = Vault::new("/v".into(), Config::default());
    insert(&mut vault, "A.md", "#Risk and #risk again, #renewal\n");
    insert(&mut vault, "B.md", "---\ntags: [risk]\n---\n");
    let count = |vault: &Vault, name: &str| {
        vault
            .tags()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(name))
            .map(|(_, count)| count)
    };
    assert_eq!(count(&vault, "risk"), Some(2));
    assert_eq!(count(&vault, "renewal"), Some(1));

    vault.remove("A.md");
    assert_eq!(count(&vault, "risk"), Some(1));
    assert_eq!(count(&vault, "renewal"), None);
}

#[test]
fn account_members_survive_reinsertion() {
    let mut vault = Vault::new("/v".into(), Config::default());
    insert(
        &mut vault,
        "Active/Accounts/Acme_Corp/Overview.md",
        "# Acme\n",
    );
    let meeting = "---\naccount: \"[[Acme Corp]]\"\n---\n[[Acme Corp]] and [[Acme Corp]]\n";
    insert(&mut vault, "Meetings/2026-01-05 - Call.md", meeting);
    insert(&mut vault, "Meetings/2026-01-05 - Call.md", meeting);
    let account = vault.account("Acme Corp").unwrap().clone();
    assert_eq!(
        paths(&vault, &vault.account_members(&account)),
        [
            "Active/Accounts/Acme_Corp/Overview.md",
            "Meetings/2026-01-05 - Call.md"
        ]
    );
}

#[test]
fn attachments_resolve_by_name_and_path() {
    let mut vault = Vault::new("/v".into(), Config::default());
    assert!(vault.add_attachment("Assets/Logo.PNG"));
    assert!(!vault.add_attachment("Assets/Logo.PNG"));
    vault.add_attachment("Contracts/Acme MSA.pdf");

    assert!(vault.resolves_to_attachment("logo.png", "Notes/a.md"));
    assert!(vault.resolves_to_attachment("Assets/Logo.png", "Notes/a.md"));
    assert!(vault.resolves_to_attachment("../Assets/Logo.png", "Notes/a.md"));
    assert!(vault.resolves_to_attachment("Acme MSA.pdf", "a.md"));
    assert!(!vault.resolves_to_attachment("Other/Logo.png", "a.md"));
    assert!(!vault.resolves_to_attachment("logo", "a.md"));
    assert!(!vault.resolves_to_attachment("", "a.md"));

    assert!(vault.remove_attachment("assets/logo.png"));
    assert!(!vault.resolves_to_attachment("logo.png", "a.md"));
    assert_eq!(vault.remove_folder("Contracts"), ["Contracts/Acme MSA.pdf"]);
    assert!(!vault.resolves_to_attachment("Acme MSA.pdf", "a.md"));
}
