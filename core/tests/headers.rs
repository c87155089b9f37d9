//! How the checked header values print: `{}` is the value as it goes in the header, `{:?}` names the type too.

use unleashed_signer::{ApiId, ClientType};

#[test]
fn an_api_id_prints_as_its_lowercase_guid() {
    let id = ApiId::parse("0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D").unwrap();
    assert_eq!(id.as_str(), "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
    assert_eq!(id.to_string(), "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
    assert_eq!(format!("api-auth-id: {id}"), "api-auth-id: 0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
    assert_eq!(format!("{id:?}"), r#"ApiId("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")"#);
}

#[test]
fn a_client_type_prints_as_given() {
    let client = ClientType::parse("acme/orderautomation").unwrap();
    assert_eq!(client.as_str(), "acme/orderautomation");
    assert_eq!(format!("{client:?}"), r#"ClientType("acme/orderautomation")"#);
}
