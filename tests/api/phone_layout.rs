//! The console on a phone: the pages a person opens most fit a 390 px wide screen without
//! scrolling sideways, with the content people put in them (long addresses, several devices,
//! a change of email address waiting).

use crate::{
    chromium::Chromium,
    helpers::{PASSWORD, Person, Role, link_path, spawn_app_on_public_url},
};

/// The elements without which the page would fit the screen, innermost last: where to look
/// when a page is too wide.
const CULPRITS: &str = "[...document.querySelectorAll('body *')].filter(e => { \
    const display = e.style.display; e.style.display = 'none'; \
    const fits = document.documentElement.scrollWidth <= window.innerWidth; \
    e.style.display = display; return fits; }) \
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).slice(-4)";

#[tokio::test]
async fn the_account_settings_team_contacts_and_email_change_pages_do_not_scroll_sideways_on_a_phone() {
    let app = spawn_app_on_public_url().await;
    let ws = app.sign_up_workspace().await;
    // A second device, so the sessions table has a row with a "Sign out" button in its last column.
    app.new_browser().sign_in(&ws.owner.person.email, &ws.owner.person.password).await;
    ws.add_member_named("Grace Hopper-Montgomery", Role::Agent).await;
    ws.invite(&Person::new("Someone With A Rather Long Name").email, Role::Admin).await;
    let (visitor, _) = ws.visitor_says("Where is my parcel?").await;
    visitor.gives_email("a.very.long.address.for.testing@customer-example.com").await;
    // A change of address waiting for its link, with the longest address people type.
    let new_email = format!("ada.lovelace.analytical.engine.{}@a-rather-long-company-name.example", uuid::Uuid::new_v4().simple());
    app.browser.post_form("/app/account/email", &[("new_email", &new_email), ("current_password", PASSWORD)]).await;
    let email_change_link = link_path(&app.wait_for_email(&new_email, "Confirm your new email address").await);

    let chromium = Chromium::launch().await;
    let phone = chromium.new_page(390).await;
    phone.set_cookies(&app.address, &app.browser.cookie_header()).await;
    let mut too_wide = Vec::new();
    for (name, path, ready) in [
        ("account", "/app/account".to_string(), "Where you are signed in"),
        ("email-change", email_change_link, "Use this address"),
        ("settings", format!("/app/{}/settings", ws.id), "Site key"),
        ("team", format!("/app/{}/team", ws.id), "Waiting for an answer"),
        ("contacts", format!("/app/{}/contacts", ws.id), "a.very.long.address.for.testing@customer-example.com"),
    ] {
        phone.goto(&format!("{}{path}", app.address)).await;
        phone.wait_for_text(ready).await;
        phone.screenshot(&std::env::temp_dir().join(format!("parlor-phone-{name}-390.png"))).await;
        phone.eval("window.scrollTo(0, document.documentElement.scrollHeight)").await;
        phone.screenshot(&std::env::temp_dir().join(format!("parlor-phone-{name}-390-end.png"))).await;
        let width = phone.eval("document.documentElement.scrollWidth").await;
        if width.as_u64() != Some(390) {
            too_wide.push(format!("{name} is {width} px wide because of {}", phone.eval(CULPRITS).await));
        }
    }
    assert!(too_wide.is_empty(), "pages scroll sideways at 390 px: {too_wide:#?}");
}
