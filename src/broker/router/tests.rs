//! Router unit tests: declarations, bindings, and routing of every exchange type.

use super::*;

fn q(r: &mut Router, name: &str, id: u32) -> QueueId {
    r.add_queue(name, QueueId(id));
    QueueId(id)
}

fn bind_q(r: &mut Router, source: &str, queue: &str, key: &str) -> Result<(), BrokerError> {
    r.bind(&BindingDecl {
        source: source.to_string(),
        destination: BindingDestination::Queue(queue.to_string()),
        binding_key: key.to_string(),
        arguments: FieldTable::new(),
    })
}

fn route_names(r: &Router, exchange: &str, keys: &[&str]) -> Result<Vec<String>, BrokerError> {
    let mut s = RouteScratch::new();
    r.route(exchange, keys, &FieldTable::new(), true, &mut s)?;
    let mut names: Vec<String> = s
        .queues()
        .iter()
        .map(|&id| r.queue_name(id).unwrap_or("?").to_string())
        .collect();
    names.sort();
    Ok(names)
}

#[test]
fn predeclared_exchanges() {
    let r = Router::new();
    let names: Vec<(&str, ExchangeKind, bool)> = r
        .exchanges()
        .map(|e| (e.name(), e.kind(), e.internal()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("", ExchangeKind::Direct, false),
            ("amq.direct", ExchangeKind::Direct, false),
            ("amq.fanout", ExchangeKind::Fanout, false),
            ("amq.topic", ExchangeKind::Topic, false),
            ("amq.headers", ExchangeKind::Headers, false),
            ("amq.match", ExchangeKind::Headers, false),
            ("amq.rabbitmq.trace", ExchangeKind::Topic, true),
        ]
    );
    assert!(r.exchanges().all(|e| e.durable() && !e.auto_delete()));
}

#[test]
fn default_exchange_routes_by_queue_name() {
    let mut r = Router::new();
    q(&mut r, "orders", 0);
    q(&mut r, "Orders", 1);
    assert_eq!(
        route_names(&r, "", &["orders"]),
        Ok(vec!["orders".to_string()])
    );
    assert_eq!(route_names(&r, "", &["ORDERS"]), Ok(vec![]));
    assert_eq!(
        route_names(&r, "", &["orders", "Orders", "orders"]),
        Ok(vec!["Orders".to_string(), "orders".to_string()])
    );
    assert_eq!(
        route_names(&r, "amq.default", &["orders"]).map_err(|e| e.reply_code()),
        Err(404)
    );
    assert_eq!(
        bind_q(&mut r, "", "orders", "x").map_err(|e| e.reply_code()),
        Err(403)
    );
}

#[test]
fn direct_and_fanout() {
    let mut r = Router::new();
    r.declare_exchange(&ExchangeDecl::new("d", ExchangeKind::Direct), false)
        .unwrap();
    r.declare_exchange(&ExchangeDecl::new("f", ExchangeKind::Fanout), false)
        .unwrap();
    q(&mut r, "a", 0);
    q(&mut r, "b", 1);
    bind_q(&mut r, "d", "a", "k").unwrap();
    bind_q(&mut r, "d", "a", "k").unwrap();
    bind_q(&mut r, "d", "b", "K").unwrap();
    bind_q(&mut r, "d", "b", "").unwrap();
    assert_eq!(route_names(&r, "d", &["k"]), Ok(vec!["a".to_string()]));
    assert_eq!(route_names(&r, "d", &[""]), Ok(vec!["b".to_string()]));
    assert_eq!(route_names(&r, "d", &["x"]), Ok(vec![]));
    assert_eq!(
        route_names(&r, "d", &["k", "K", "k"]),
        Ok(vec!["a".to_string(), "b".to_string()])
    );
    bind_q(&mut r, "f", "a", "one").unwrap();
    bind_q(&mut r, "f", "a", "two").unwrap();
    bind_q(&mut r, "f", "b", "").unwrap();
    assert_eq!(
        route_names(&r, "f", &["zzz"]),
        Ok(vec!["a".to_string(), "b".to_string()])
    );
    let mut s = RouteScratch::new();
    r.route("f", &["x", "y"], &FieldTable::new(), true, &mut s)
        .unwrap();
    assert_eq!(
        s.queues().len(),
        2,
        "fanout with two keys still one copy each"
    );
    r.unbind(&BindingDecl {
        source: "f".into(),
        destination: BindingDestination::Queue("a".into()),
        binding_key: "one".into(),
        arguments: FieldTable::new(),
    })
    .unwrap();
    assert_eq!(
        route_names(&r, "f", &[""]),
        Ok(vec!["a".to_string(), "b".to_string()])
    );
}
