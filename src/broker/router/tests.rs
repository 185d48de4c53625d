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

fn decl(name: &str, kind: ExchangeKind) -> ExchangeDecl {
    ExchangeDecl::new(name, kind)
}

fn declare(r: &mut Router, name: &str, kind: ExchangeKind) {
    assert_eq!(
        r.declare_exchange(&decl(name, kind), false),
        Ok(()),
        "declare {name}"
    );
}

fn with_ae(name: &str, kind: ExchangeKind, ae: &str) -> ExchangeDecl {
    let mut d = decl(name, kind);
    d.arguments
        .insert("alternate-exchange".into(), FieldValue::Str(ae.into()));
    d
}

fn e2e(source: &str, dest: &str, key: &str) -> BindingDecl {
    BindingDecl {
        source: source.into(),
        destination: BindingDestination::Exchange(dest.into()),
        binding_key: key.into(),
        arguments: FieldTable::new(),
    }
}

fn qb(source: &str, queue: &str, key: &str, args: FieldTable) -> BindingDecl {
    BindingDecl {
        source: source.into(),
        destination: BindingDestination::Queue(queue.into()),
        binding_key: key.into(),
        arguments: args,
    }
}

fn code<T>(r: Result<T, BrokerError>) -> Result<T, u16> {
    r.map_err(|e| e.reply_code())
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn exchange_declare_rules() {
    let mut r = Router::new();
    // 403: default exchange, new amq.* names (active); passive amq.* that exists is fine.
    assert_eq!(
        code(r.declare_exchange(&decl("", ExchangeKind::Direct), false)),
        Err(403)
    );
    assert_eq!(
        code(r.declare_exchange(&decl("", ExchangeKind::Direct), true)),
        Err(403)
    );
    assert_eq!(
        code(r.declare_exchange(&decl("amq.custom", ExchangeKind::Direct), false)),
        Err(403)
    );
    assert_eq!(
        code(r.declare_exchange(&decl("amq.direct", ExchangeKind::Direct), false)),
        Ok(())
    );
    assert_eq!(
        code(r.declare_exchange(&decl("amq.direct", ExchangeKind::Fanout), false)),
        Err(406)
    );
    assert_eq!(
        code(r.declare_exchange(&decl("amq.topic", ExchangeKind::Direct), true)),
        Ok(())
    );
    // passive on a missing exchange → 404, and it is not created
    assert_eq!(
        code(r.declare_exchange(&decl("x", ExchangeKind::Direct), true)),
        Err(404)
    );
    assert!(r.exchange("x").is_none());
    declare(&mut r, "x", ExchangeKind::Direct);
    // equivalence: type, durable, auto_delete, internal, alternate-exchange
    let base = decl("x", ExchangeKind::Direct);
    assert_eq!(code(r.declare_exchange(&base, false)), Ok(()));
    let mut d = base.clone();
    d.kind = ExchangeKind::Fanout;
    assert_eq!(code(r.declare_exchange(&d, false)), Err(406));
    let mut d = base.clone();
    d.durable = false;
    assert_eq!(code(r.declare_exchange(&d, false)), Err(406));
    let mut d = base.clone();
    d.auto_delete = true;
    assert_eq!(code(r.declare_exchange(&d, false)), Err(406));
    let mut d = base.clone();
    d.internal = true;
    assert_eq!(code(r.declare_exchange(&d, false)), Err(406));
    assert_eq!(
        code(r.declare_exchange(&with_ae("x", ExchangeKind::Direct, "ae"), false)),
        Err(406)
    );
    // other arguments are ignored
    let mut d = base.clone();
    d.arguments.insert("x-whatever".into(), FieldValue::Int(1));
    assert_eq!(code(r.declare_exchange(&d, false)), Ok(()));
    // passive never checks equivalence
    let mut d = base.clone();
    d.kind = ExchangeKind::Headers;
    assert_eq!(code(r.declare_exchange(&d, true)), Ok(()));
    // AE added/removed/changed
    declare(&mut r, "y", ExchangeKind::Topic);
    let y = with_ae("y", ExchangeKind::Topic, "a1");
    assert_eq!(code(r.declare_exchange(&y, false)), Err(406));
    r.declare_exchange(&with_ae("z", ExchangeKind::Topic, "a1"), false)
        .unwrap();
    assert_eq!(
        r.exchange("z").and_then(Exchange::alternate_exchange),
        Some("a1")
    );
    assert_eq!(
        code(r.declare_exchange(&with_ae("z", ExchangeKind::Topic, "a1"), false)),
        Ok(())
    );
    assert_eq!(
        code(r.declare_exchange(&with_ae("z", ExchangeKind::Topic, "a2"), false)),
        Err(406)
    );
    assert_eq!(
        code(r.declare_exchange(&decl("z", ExchangeKind::Topic), false)),
        Err(406)
    );
    // a non-string AE at creation → 406
    let mut d = decl("w", ExchangeKind::Direct);
    d.arguments
        .insert("alternate-exchange".into(), FieldValue::Int(3));
    assert_eq!(code(r.declare_exchange(&d, false)), Err(406));
    assert!(r.exchange("w").is_none());
    // CR/LF are stripped from declared names
    r.declare_exchange(&decl("ne\nw\r", ExchangeKind::Fanout), false)
        .unwrap();
    assert_eq!(
        r.exchange("new").map(Exchange::kind),
        Some(ExchangeKind::Fanout)
    );
    // unknown type is a 503 connection error
    assert_eq!(code(ExchangeKind::parse("x-consistent-hash")), Err(503));
    assert_eq!(ExchangeKind::parse("headers"), Ok(ExchangeKind::Headers));
    // declaration order
    let order: Vec<&str> = r.exchanges().skip(7).map(Exchange::name).collect();
    assert_eq!(order, vec!["x", "y", "z", "new"]);
}

#[test]
fn exchange_delete_rules() {
    let mut r = Router::new();
    assert_eq!(code(r.delete_exchange("", false)), Err(403));
    assert_eq!(code(r.delete_exchange("amq.direct", false)), Err(403));
    assert_eq!(code(r.delete_exchange("amq.nonexistent", false)), Err(403));
    assert_eq!(code(r.delete_exchange("missing", false)), Ok(()));
    declare(&mut r, "x", ExchangeKind::Direct);
    declare(&mut r, "y", ExchangeKind::Fanout);
    q(&mut r, "q", 0);
    bind_q(&mut r, "x", "q", "k").unwrap();
    r.bind(&e2e("y", "x", "")).unwrap();
    assert_eq!(code(r.delete_exchange("x", true)), Err(406));
    // y→x is a binding where x is the destination: it doesn't make x "used"
    r.unbind(&qb("x", "q", "k", FieldTable::new())).unwrap();
    assert_eq!(code(r.delete_exchange("x", true)), Ok(()));
    assert!(r.exchange("x").is_none());
    assert!(r.bindings().is_empty(), "y→x went with x");
    assert_eq!(r.exchange("y").map(Exchange::binding_count), Some(0));
    assert_eq!(code(route_names(&r, "x", &["k"])), Err(404));
    // re-created with another type: a fresh exchange
    declare(&mut r, "x", ExchangeKind::Topic);
    assert_eq!(r.exchange("x").map(Exchange::binding_count), Some(0));
}

#[test]
fn bind_and_unbind_errors() {
    let mut r = Router::new();
    declare(&mut r, "x", ExchangeKind::Direct);
    declare(&mut r, "h", ExchangeKind::Headers);
    q(&mut r, "q", 0);
    assert_eq!(code(bind_q(&mut r, "", "q", "q")), Err(403));
    assert_eq!(code(r.bind(&e2e("x", "", ""))), Err(403));
    assert_eq!(code(r.bind(&e2e("", "x", ""))), Err(403));
    assert_eq!(code(bind_q(&mut r, "nope", "q", "k")), Err(404));
    assert_eq!(code(bind_q(&mut r, "x", "nope", "k")), Err(404));
    assert_eq!(code(r.bind(&e2e("x", "nope", ""))), Err(404));
    let mut bad = FieldTable::new();
    bad.insert("x-match".into(), FieldValue::Str("some".into()));
    assert_eq!(code(r.bind(&qb("h", "q", "", bad.clone()))), Err(406));
    // x-match is only validated by headers exchanges
    assert_eq!(code(r.bind(&qb("x", "q", "", bad))), Ok(()));
    // unbind is idempotent (3.10), except for the default exchange
    assert_eq!(
        code(r.unbind(&qb("x", "q", "absent", FieldTable::new()))),
        Ok(())
    );
    assert_eq!(
        code(r.unbind(&qb("nope", "q", "k", FieldTable::new()))),
        Ok(())
    );
    assert_eq!(
        code(r.unbind(&qb("x", "nope", "k", FieldTable::new()))),
        Ok(())
    );
    assert_eq!(
        code(r.unbind(&qb("", "q", "q", FieldTable::new()))),
        Err(403)
    );
    assert_eq!(code(r.unbind(&e2e("x", "", ""))), Err(403));
}

#[test]
fn bindings_differing_in_arguments_coexist() {
    let mut r = Router::new();
    declare(&mut r, "x", ExchangeKind::Direct);
    q(&mut r, "q", 0);
    let mut a1 = FieldTable::new();
    a1.insert("tag".into(), FieldValue::Int(1));
    r.bind(&qb("x", "q", "k", FieldTable::new())).unwrap();
    r.bind(&qb("x", "q", "k", a1.clone())).unwrap();
    r.bind(&qb("x", "q", "k", a1.clone())).unwrap(); // identical: no-op
    assert_eq!(r.bindings().len(), 2);
    let mut s = RouteScratch::new();
    r.route("x", &["k"], &FieldTable::new(), true, &mut s)
        .unwrap();
    assert_eq!(s.queues(), &[QueueId(0)], "one copy");
    r.unbind(&qb("x", "q", "k", FieldTable::new())).unwrap();
    assert_eq!(
        route_names(&r, "x", &["k"]),
        Ok(names(&["q"])),
        "the other binding still routes"
    );
    r.unbind(&qb("x", "q", "k", a1)).unwrap();
    assert_eq!(route_names(&r, "x", &["k"]), Ok(vec![]));
    assert!(r.bindings().is_empty());
}

#[test]
fn bindings_export_order_and_names() {
    let mut r = Router::new();
    declare(&mut r, "b", ExchangeKind::Fanout);
    declare(&mut r, "a", ExchangeKind::Direct);
    q(&mut r, "q1", 0);
    q(&mut r, "q2", 1);
    bind_q(&mut r, "a", "q2", "k2").unwrap();
    bind_q(&mut r, "b", "q1", "").unwrap();
    bind_q(&mut r, "a", "q1", "k1").unwrap();
    r.bind(&e2e("b", "a", "")).unwrap();
    let got: Vec<(String, String, String)> = r
        .bindings()
        .into_iter()
        .map(|b| (b.source, b.destination.name().to_string(), b.binding_key))
        .collect();
    let want = [
        ("b", "q1", ""),
        ("b", "a", ""),
        ("a", "q2", "k2"),
        ("a", "q1", "k1"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn topic_routing_through_router() {
    let mut r = Router::new();
    declare(&mut r, "t", ExchangeKind::Topic);
    q(&mut r, "q1", 0);
    q(&mut r, "q2", 1);
    q(&mut r, "q3", 2);
    bind_q(&mut r, "t", "q1", "*.orange.*").unwrap();
    bind_q(&mut r, "t", "q2", "*.*.rabbit").unwrap();
    bind_q(&mut r, "t", "q2", "lazy.#").unwrap();
    bind_q(&mut r, "t", "q3", "").unwrap();
    bind_q(&mut r, "t", "q3", "x.#").unwrap();
    bind_q(&mut r, "t", "q3", "#.x").unwrap();
    let rows: &[(&str, &[&str])] = &[
        ("quick.orange.rabbit", &["q1", "q2"]),
        ("lazy.orange.elephant", &["q1", "q2"]),
        ("quick.orange.fox", &["q1"]),
        ("lazy.brown.fox", &["q2"]),
        ("lazy.pink.rabbit", &["q2"]),
        ("quick.brown.fox", &[]),
        ("orange", &[]),
        ("quick.orange.male.rabbit", &[]),
        ("lazy.orange.male.rabbit", &["q2"]),
        ("", &["q3"]),
        ("x.x", &["q3"]),
        ("x", &["q3"]),
    ];
    for (key, want) in rows {
        assert_eq!(route_names(&r, "t", &[key]), Ok(names(want)), "key {key:?}");
    }
    // CC keys: union, one copy
    assert_eq!(
        route_names(
            &r,
            "t",
            &["quick.orange.fox", "lazy.brown.fox", "a.orange.b"]
        ),
        Ok(names(&["q1", "q2"]))
    );
    // unbinding a pattern shared by nothing else removes it
    r.unbind(&qb("t", "q2", "lazy.#", FieldTable::new()))
        .unwrap();
    assert_eq!(route_names(&r, "t", &["lazy.brown.fox"]), Ok(vec![]));
    assert_eq!(
        route_names(&r, "t", &["lazy.pink.rabbit"]),
        Ok(names(&["q2"]))
    );
}

fn htable(entries: &[(&str, FieldValue)]) -> FieldTable {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn headers_routing_through_router() {
    let mut r = Router::new();
    q(&mut r, "all", 0);
    q(&mut r, "any", 1);
    q(&mut r, "empty", 2);
    let s = |v: &str| FieldValue::Str(v.into());
    r.bind(&qb(
        "amq.match",
        "all",
        "ignored",
        htable(&[("a", s("1")), ("b", s("2"))]),
    ))
    .unwrap();
    r.bind(&qb(
        "amq.match",
        "any",
        "",
        htable(&[("x-match", s("any")), ("a", s("1")), ("b", s("2"))]),
    ))
    .unwrap();
    r.bind(&qb("amq.headers", "empty", "", FieldTable::new()))
        .unwrap();
    let route_h = |h: FieldTable, x: &str| -> Vec<String> {
        let mut sc = RouteScratch::new();
        r.route(x, &["whatever"], &h, true, &mut sc).unwrap();
        let mut v: Vec<String> = sc
            .queues()
            .iter()
            .filter_map(|&id| r.queue_name(id).map(str::to_string))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        route_h(htable(&[("a", s("1")), ("b", s("2"))]), "amq.match"),
        names(&["all", "any"])
    );
    assert_eq!(
        route_h(htable(&[("a", s("1"))]), "amq.match"),
        names(&["any"])
    );
    assert_eq!(
        route_h(htable(&[("a", FieldValue::Int(1))]), "amq.match"),
        names(&[])
    );
    assert_eq!(route_h(FieldTable::new(), "amq.headers"), names(&["empty"]));
}

#[test]
fn e2e_dedupe_and_cycles() {
    let mut r = Router::new();
    for x in ["e0", "e1", "e2"] {
        declare(&mut r, x, ExchangeKind::Fanout);
    }
    declare(&mut r, "d", ExchangeKind::Direct);
    q(&mut r, "q", 0);
    q(&mut r, "p", 1);
    // cycle e0 → e1 → e2 → e0, queue reachable from every one of them
    r.bind(&e2e("e0", "e1", "")).unwrap();
    r.bind(&e2e("e1", "e2", "")).unwrap();
    r.bind(&e2e("e2", "e0", "")).unwrap();
    r.bind(&e2e("e1", "e1", "")).unwrap(); // self-loop
    bind_q(&mut r, "e0", "q", "").unwrap();
    bind_q(&mut r, "e1", "q", "").unwrap();
    bind_q(&mut r, "e2", "q", "").unwrap();
    bind_q(&mut r, "e2", "p", "").unwrap();
    let mut s = RouteScratch::new();
    for start in ["e0", "e1", "e2"] {
        r.route(start, &["k"], &FieldTable::new(), true, &mut s)
            .unwrap();
        let mut got = s.queues().to_vec();
        got.sort();
        assert_eq!(got, vec![QueueId(0), QueueId(1)], "from {start}");
    }
    // two paths into one queue via a direct exchange, with the routing keys carried along
    r.bind(&e2e("e0", "d", "")).unwrap();
    bind_q(&mut r, "d", "q", "k").unwrap();
    bind_q(&mut r, "d", "p", "other").unwrap();
    r.route("e0", &["k"], &FieldTable::new(), true, &mut s)
        .unwrap();
    assert_eq!(s.queues().len(), 2);
    // deleting e1 breaks the cycle: from e0, e1 and e2 are no longer reachable
    r.delete_exchange("e1", false).unwrap();
    r.route("e0", &["zz"], &FieldTable::new(), true, &mut s)
        .unwrap();
    assert_eq!(s.queues(), &[QueueId(0)]);
    assert_eq!(route_names(&r, "e2", &["zz"]), Ok(names(&["p", "q"])));
}

#[test]
fn internal_exchange() {
    let mut r = Router::new();
    let mut d = decl("int", ExchangeKind::Fanout);
    d.internal = true;
    r.declare_exchange(&d, false).unwrap();
    declare(&mut r, "pub", ExchangeKind::Fanout);
    q(&mut r, "q", 0);
    bind_q(&mut r, "int", "q", "").unwrap();
    r.bind(&e2e("pub", "int", "")).unwrap();
    assert_eq!(code(route_names(&r, "int", &["k"])), Err(403));
    assert_eq!(route_names(&r, "pub", &["k"]), Ok(names(&["q"])));
    assert_eq!(
        code(route_names(&r, "amq.rabbitmq.trace", &["k"])),
        Err(403)
    );
    // dead-letter republish: internal allowed, missing exchange just routes nowhere
    let mut s = RouteScratch::new();
    assert_eq!(
        r.route("int", &["k"], &FieldTable::new(), false, &mut s),
        Ok(())
    );
    assert_eq!(s.queues(), &[QueueId(0)]);
    assert_eq!(
        r.route("gone", &["k"], &FieldTable::new(), false, &mut s),
        Ok(())
    );
    assert!(s.queues().is_empty());
    // dead-lettering to the default exchange routes by queue name
    assert_eq!(
        r.route("", &["q"], &FieldTable::new(), false, &mut s),
        Ok(())
    );
    assert_eq!(s.queues(), &[QueueId(0)]);
}

#[test]
fn alternate_exchange_chains() {
    let mut r = Router::new();
    r.declare_exchange(&with_ae("main", ExchangeKind::Direct, "ae1"), false)
        .unwrap();
    r.declare_exchange(&with_ae("ae1", ExchangeKind::Direct, "ae2"), false)
        .unwrap();
    r.declare_exchange(&with_ae("ae2", ExchangeKind::Fanout, "main"), false)
        .unwrap();
    q(&mut r, "direct", 0);
    q(&mut r, "via-ae1", 1);
    q(&mut r, "via-ae2", 2);
    bind_q(&mut r, "main", "direct", "k").unwrap();
    bind_q(&mut r, "ae1", "via-ae1", "k1").unwrap();
    assert_eq!(
        route_names(&r, "main", &["k"]),
        Ok(names(&["direct"])),
        "matched: AE unused"
    );
    assert_eq!(route_names(&r, "main", &["k1"]), Ok(names(&["via-ae1"])));
    // main and ae1 miss, ae2 (fanout) has no bindings, its AE is main again: cycle ends
    assert_eq!(route_names(&r, "main", &["zz"]), Ok(vec![]));
    bind_q(&mut r, "ae2", "via-ae2", "").unwrap();
    assert_eq!(route_names(&r, "main", &["zz"]), Ok(names(&["via-ae2"])));
    // CC: one key matches at main, so no AE at all
    assert_eq!(
        route_names(&r, "main", &["zz", "k"]),
        Ok(names(&["direct"]))
    );
    // missing AE: dropped
    r.declare_exchange(&with_ae("lonely", ExchangeKind::Topic, "nowhere"), false)
        .unwrap();
    assert_eq!(route_names(&r, "lonely", &["a"]), Ok(vec![]));
    // an internal exchange can serve as AE
    let mut d = with_ae("internal-ae", ExchangeKind::Fanout, "x");
    d.internal = true;
    r.declare_exchange(&d, false).unwrap();
    r.declare_exchange(
        &with_ae("front", ExchangeKind::Direct, "internal-ae"),
        false,
    )
    .unwrap();
    bind_q(&mut r, "internal-ae", "via-ae1", "").unwrap();
    assert_eq!(route_names(&r, "front", &["x"]), Ok(names(&["via-ae1"])));
}

#[test]
fn ae_not_used_when_only_an_exchange_destination_matched() {
    let mut r = Router::new();
    r.declare_exchange(&with_ae("x", ExchangeKind::Direct, "ae"), false)
        .unwrap();
    declare(&mut r, "ae", ExchangeKind::Fanout);
    declare(&mut r, "sink", ExchangeKind::Direct);
    q(&mut r, "ae-q", 0);
    bind_q(&mut r, "ae", "ae-q", "").unwrap();
    r.bind(&e2e("x", "sink", "k")).unwrap();
    assert_eq!(
        route_names(&r, "x", &["k"]),
        Ok(vec![]),
        "sink matched nothing, no AE for x"
    );
    assert_eq!(route_names(&r, "x", &["other"]), Ok(names(&["ae-q"])));
    // an intermediate exchange reached via e2e uses its own AE
    r.declare_exchange(&with_ae("mid", ExchangeKind::Direct, "ae"), false)
        .unwrap();
    declare(&mut r, "top", ExchangeKind::Fanout);
    r.bind(&e2e("top", "mid", "")).unwrap();
    assert_eq!(route_names(&r, "top", &["nothing"]), Ok(names(&["ae-q"])));
}

#[test]
fn auto_delete_exchanges() {
    let mut r = Router::new();
    let mut ad = decl("ad", ExchangeKind::Fanout);
    ad.auto_delete = true;
    r.declare_exchange(&ad, false).unwrap();
    q(&mut r, "q1", 0);
    q(&mut r, "q2", 1);
    bind_q(&mut r, "ad", "q1", "").unwrap();
    bind_q(&mut r, "ad", "q2", "").unwrap();
    r.unbind(&qb("ad", "q1", "", FieldTable::new())).unwrap();
    assert!(r.exchange("ad").is_some());
    r.remove_queue(QueueId(1));
    assert!(
        r.exchange("ad").is_none(),
        "last binding removed by queue deletion"
    );
    assert_eq!(r.queue_id("q2"), None);
    // never-bound auto-delete exchange lives on
    let mut ad2 = decl("ad2", ExchangeKind::Direct);
    ad2.auto_delete = true;
    r.declare_exchange(&ad2, false).unwrap();
    assert!(r.exchange("ad2").is_some());
    // cascade: a (auto-delete) → b (auto-delete) → q1; deleting q1 removes b's last binding,
    // deleting b removes a's last binding.
    let mut a = decl("a", ExchangeKind::Fanout);
    a.auto_delete = true;
    let mut b = decl("b", ExchangeKind::Fanout);
    b.auto_delete = true;
    r.declare_exchange(&a, false).unwrap();
    r.declare_exchange(&b, false).unwrap();
    r.bind(&e2e("a", "b", "")).unwrap();
    bind_q(&mut r, "b", "q1", "").unwrap();
    // a binding where an auto-delete exchange is the destination doesn't keep it alive
    declare(&mut r, "c", ExchangeKind::Fanout);
    r.bind(&e2e("c", "b", "")).unwrap();
    r.remove_queue(QueueId(0));
    assert!(r.exchange("b").is_none());
    assert!(r.exchange("a").is_none());
    assert!(r.exchange("c").is_some(), "c is not auto-delete");
    assert!(r.bindings().is_empty());
    // explicit unbind of the last binding
    let mut u = decl("u", ExchangeKind::Direct);
    u.auto_delete = true;
    r.declare_exchange(&u, false).unwrap();
    q(&mut r, "q3", 2);
    bind_q(&mut r, "u", "q3", "k").unwrap();
    r.unbind(&qb("u", "q3", "k", FieldTable::new())).unwrap();
    assert!(r.exchange("u").is_none());
}

#[test]
fn queue_removal_drops_bindings() {
    let mut r = Router::new();
    declare(&mut r, "t", ExchangeKind::Topic);
    q(&mut r, "a", 0);
    q(&mut r, "b", 1);
    bind_q(&mut r, "t", "a", "x.*").unwrap();
    bind_q(&mut r, "t", "b", "x.*").unwrap();
    r.remove_queue(QueueId(0));
    assert_eq!(route_names(&r, "t", &["x.y"]), Ok(names(&["b"])));
    assert_eq!(route_names(&r, "", &["a"]), Ok(vec![]));
    assert_eq!(r.bindings().len(), 1);
    // a new queue with the same name gets a new id and no old bindings
    q(&mut r, "a", 2);
    assert_eq!(route_names(&r, "t", &["x.y"]), Ok(names(&["b"])));
    assert_eq!(route_names(&r, "", &["a"]), Ok(names(&["a"])));
}

#[test]
fn explain_route_reports_hops() {
    let mut r = Router::new();
    declare(&mut r, "t", ExchangeKind::Topic);
    r.declare_exchange(&with_ae("d", ExchangeKind::Direct, "f"), false)
        .unwrap();
    declare(&mut r, "f", ExchangeKind::Fanout);
    q(&mut r, "q", 0);
    q(&mut r, "p", 1);
    bind_q(&mut r, "t", "q", "a.#.d").unwrap();
    r.bind(&e2e("t", "d", "#")).unwrap();
    bind_q(&mut r, "f", "p", "").unwrap();
    let e = r
        .explain_route("t", &["a.b.c.d"], &FieldTable::new(), true)
        .unwrap();
    assert_eq!(e.visited, names(&["t", "d", "f"]));
    assert_eq!(e.queues.len(), 2);
    let topic_hop = e
        .hops
        .iter()
        .find(|h| h.destination == BindingDestination::Queue("q".into()));
    match topic_hop.map(|h| &h.reason) {
        Some(MatchReason::Topic {
            words_taken,
            routing_key,
            ..
        }) => {
            assert_eq!(routing_key, "a.b.c.d");
            assert_eq!(words_taken[1], ("#".to_string(), names(&["b", "c"])));
        }
        other => panic!("expected a topic hop, got {other:?}"),
    }
    assert!(
        e.hops
            .iter()
            .any(|h| h.exchange == "d" && h.reason == MatchReason::AlternateExchange)
    );
    assert!(
        e.hops
            .iter()
            .any(|h| h.exchange == "f" && h.destination == BindingDestination::Queue("p".into()))
    );
    // errors mirror route()
    assert_eq!(
        code(r.explain_route("missing", &["k"], &FieldTable::new(), true)),
        Err(404)
    );
    let e = r
        .explain_route("", &["p", "nope"], &FieldTable::new(), true)
        .unwrap();
    assert_eq!(e.queues, names(&["p"]));
    assert_eq!(e.hops.len(), 1);
}

/// A deliberately naive router over `Router::bindings()`: per-binding scans, the reference topic
/// matcher and a plain visited set — the property test checks `route` agrees with it.
fn naive_route(
    r: &Router,
    exchange: &str,
    keys: &[&str],
    headers: &FieldTable,
) -> std::collections::BTreeSet<String> {
    let bindings = r.bindings();
    let mut out = std::collections::BTreeSet::new();
    let mut visited = std::collections::BTreeSet::from([exchange.to_string()]);
    let mut stack = vec![exchange.to_string()];
    while let Some(x) = stack.pop() {
        let Some(ex) = r.exchange(&x) else { continue };
        if x.is_empty() {
            for k in keys {
                if r.queue_id(k).is_some() {
                    out.insert(k.to_string());
                }
            }
            continue;
        }
        let matched: Vec<&BindingDecl> = bindings
            .iter()
            .filter(|b| b.source == x)
            .filter(|b| match ex.kind() {
                ExchangeKind::Direct => keys.contains(&b.binding_key.as_str()),
                ExchangeKind::Fanout => true,
                ExchangeKind::Topic => keys
                    .iter()
                    .any(|k| topic::explain_match(&b.binding_key, k).is_some()),
                ExchangeKind::Headers => {
                    headers::parse(&b.arguments).is_ok_and(|p| p.matches(headers))
                }
            })
            .collect();
        let mut next: Vec<String> = Vec::new();
        if matched.is_empty()
            && let Some(ae) = ex.alternate_exchange()
        {
            next.push(ae.to_string());
        }
        for b in matched {
            match &b.destination {
                BindingDestination::Queue(q) => {
                    out.insert(q.clone());
                }
                BindingDestination::Exchange(e) => next.push(e.clone()),
            }
        }
        for e in next {
            if r.exchange(&e).is_some() && visited.insert(e.clone()) {
                stack.push(e);
            }
        }
    }
    out
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Declare(String, u8, bool, bool, Option<String>),
        Delete(String, bool),
        AddQueue(String),
        RemoveQueue(String),
        Bind(String, bool, String, String, u8),
        Unbind(String, bool, String, String, u8),
        Route(String, Vec<String>, u8),
    }

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("a".to_string()),
            Just("b".to_string()),
            Just("c".to_string()),
            Just("d".to_string()),
            Just(String::new()),
            Just("amq.direct".to_string()),
            Just("amq.topic".to_string()),
            Just("amq.match".to_string()),
            Just("amq.new".to_string()),
            Just("a\n".to_string()),
        ]
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::collection::vec(
                prop_oneof![
                    Just(""),
                    Just("a"),
                    Just("b"),
                    Just("#"),
                    Just("*"),
                    Just("c")
                ],
                0..5
            )
            .prop_map(|w| w.join(".")),
            any::<String>(),
            name(),
        ]
    }

    fn args(choice: u8) -> FieldTable {
        let s = |v: &str| FieldValue::Str(v.into());
        let pairs: Vec<(&str, FieldValue)> = match choice % 7 {
            0 => vec![],
            1 => vec![
                ("x-match", s("any")),
                ("a", FieldValue::Int(1)),
                ("b", s("x")),
            ],
            2 => vec![("a", FieldValue::Void)],
            3 => vec![("x-match", s("bogus"))],
            4 => vec![("x-match", s("all-with-x")), ("x-k", s("v"))],
            5 => vec![("a", FieldValue::Int(1)), ("b", s("x"))],
            _ => vec![("x-match", s("any-with-x")), ("x-k", s("v")), ("b", s("y"))],
        };
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    fn message_headers(choice: u8) -> FieldTable {
        let s = |v: &str| FieldValue::Str(v.into());
        let pairs: Vec<(&str, FieldValue)> = match choice % 5 {
            0 => vec![],
            1 => vec![("a", FieldValue::Int(1))],
            2 => vec![("a", FieldValue::Int(1)), ("b", s("x"))],
            3 => vec![("x-k", s("v")), ("b", s("y"))],
            _ => vec![("a", s("1")), ("x-k", s("w"))],
        };
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (
                name(),
                0u8..4,
                any::<bool>(),
                any::<bool>(),
                proptest::option::of(name())
            )
                .prop_map(|(n, k, ad, i, ae)| Op::Declare(n, k, ad, i, ae)),
            (name(), any::<bool>()).prop_map(|(n, u)| Op::Delete(n, u)),
            name().prop_map(Op::AddQueue),
            name().prop_map(Op::RemoveQueue),
            (name(), any::<bool>(), name(), key(), any::<u8>())
                .prop_map(|(s, q, d, k, a)| Op::Bind(s, q, d, k, a)),
            (name(), any::<bool>(), name(), key(), any::<u8>())
                .prop_map(|(s, q, d, k, a)| Op::Unbind(s, q, d, k, a)),
            (name(), proptest::collection::vec(key(), 0..4), any::<u8>())
                .prop_map(|(x, k, h)| Op::Route(x, k, h)),
        ]
    }

    fn binding(s: &str, to_queue: bool, d: &str, k: &str, a: u8) -> BindingDecl {
        BindingDecl {
            source: s.to_string(),
            destination: if to_queue {
                BindingDestination::Queue(d.to_string())
            } else {
                BindingDestination::Exchange(d.to_string())
            },
            binding_key: k.to_string(),
            arguments: args(a),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn route_agrees_with_naive_reference(ops in proptest::collection::vec(op(), 1..60)) {
            let mut r = Router::new();
            let mut next_id = 0u32;
            let mut scratch = RouteScratch::new();
            for op in &ops {
                match op {
                    Op::Declare(n, k, ad, internal, ae) => {
                        let kind = [ExchangeKind::Direct, ExchangeKind::Fanout, ExchangeKind::Topic, ExchangeKind::Headers][usize::from(*k)];
                        let mut d = ExchangeDecl::new(n, kind);
                        d.auto_delete = *ad;
                        d.internal = *internal;
                        if let Some(ae) = ae {
                            d.arguments.insert("alternate-exchange".into(), FieldValue::Str(ae.clone()));
                        }
                        let _ = r.declare_exchange(&d, false);
                    }
                    Op::Delete(n, u) => { let _ = r.delete_exchange(n, *u); }
                    Op::AddQueue(n) => {
                        if r.queue_id(n).is_none() {
                            r.add_queue(n, QueueId(next_id));
                            next_id += 1;
                        }
                    }
                    Op::RemoveQueue(n) => {
                        if let Some(id) = r.queue_id(n) {
                            r.remove_queue(id);
                        }
                    }
                    Op::Bind(s, q, d, k, a) => { let _ = r.bind(&binding(s, *q, d, k, *a)); }
                    Op::Unbind(s, q, d, k, a) => { let _ = r.unbind(&binding(s, *q, d, k, *a)); }
                    Op::Route(x, keys, h) => {
                        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                        let headers = message_headers(*h);
                        for client in [true, false] {
                            match r.route(x, &keys, &headers, client, &mut scratch) {
                                Ok(()) => {
                                    let got: Vec<String> = scratch.queues().iter()
                                        .filter_map(|&id| r.queue_name(id).map(str::to_string)).collect();
                                    prop_assert_eq!(got.len(), scratch.queues().len(), "every id is a live queue");
                                    let set: std::collections::BTreeSet<String> = got.iter().cloned().collect();
                                    prop_assert_eq!(set.len(), got.len(), "no duplicates");
                                    prop_assert_eq!(&set, &naive_route(&r, x, &keys, &headers), "route {:?} {:?}", x, keys);
                                    let explained = r.explain_route(x, &keys, &headers, client);
                                    prop_assert_eq!(explained.map(|e| e.queues), Ok(got));
                                }
                                Err(e) => {
                                    prop_assert!(client);
                                    let internal = r.exchange(x).is_some_and(Exchange::internal);
                                    prop_assert_eq!(e.reply_code(), if internal { 403 } else { 404 });
                                }
                            }
                        }
                    }
                }
                // Structural invariants after every operation.
                for b in r.bindings() {
                    prop_assert!(r.exchange(&b.source).is_some());
                    match &b.destination {
                        BindingDestination::Queue(q) => prop_assert!(r.queue_id(q).is_some()),
                        BindingDestination::Exchange(e) => prop_assert!(r.exchange(e).is_some()),
                    }
                }
                for name in ["", "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match", "amq.rabbitmq.trace"] {
                    prop_assert!(r.exchange(name).is_some(), "{} is never deleted", name);
                }
            }
        }
    }
}

#[test]
fn odd_keys_never_panic() {
    let mut r = Router::new();
    declare(&mut r, "t", ExchangeKind::Topic);
    declare(&mut r, "d", ExchangeKind::Direct);
    q(&mut r, "q", 0);
    let huge = vec!["w"; 100_000].join(".");
    let dots = ".".repeat(50_000);
    let odd = [
        "",
        ".",
        "..",
        "#",
        "*",
        "\u{0}",
        "é.#.ü",
        &huge,
        &dots,
        "a.\u{ffff}.b",
    ];
    for k in odd {
        bind_q(&mut r, "t", "q", k).unwrap();
        bind_q(&mut r, "d", "q", k).unwrap();
    }
    let mut s = RouteScratch::new();
    for k in odd {
        r.route("t", &[k], &FieldTable::new(), true, &mut s)
            .unwrap();
        assert_eq!(s.queues(), &[QueueId(0)], "topic key {:?}", k.get(..20));
        r.route("d", &[k], &FieldTable::new(), true, &mut s)
            .unwrap();
        assert_eq!(s.queues(), &[QueueId(0)]);
    }
    r.route("t", &[&huge, &dots, ""], &FieldTable::new(), true, &mut s)
        .unwrap();
    assert_eq!(s.queues().len(), 1);
    for k in odd {
        r.unbind(&qb("t", "q", k, FieldTable::new())).unwrap();
    }
    r.route("t", &[&huge], &FieldTable::new(), true, &mut s)
        .unwrap();
    assert!(s.queues().is_empty());
}

#[test]
fn bind_strips_cr_lf_from_names() {
    let mut r = Router::new();
    declare(&mut r, "x", ExchangeKind::Direct);
    q(&mut r, "queue", 0);
    r.bind(&qb("x\r\n", "que\nue", "k", FieldTable::new()))
        .unwrap();
    assert_eq!(route_names(&r, "x", &["k"]), Ok(names(&["queue"])));
    assert_eq!(
        code(r.bind(&e2e("\n", "x", ""))),
        Err(403),
        "stripped to the default exchange"
    );
    r.unbind(&qb("\rx", "queue\n", "k", FieldTable::new()))
        .unwrap();
    assert_eq!(route_names(&r, "x", &["k"]), Ok(vec![]));
}

#[test]
fn hop_rendering_and_name_order() {
    let mut r = Router::new();
    declare(&mut r, "t", ExchangeKind::Topic);
    q(&mut r, "zz", 0);
    q(&mut r, "aa", 1);
    bind_q(&mut r, "t", "zz", "a.#.*").unwrap();
    bind_q(&mut r, "t", "aa", "#").unwrap();
    let e = r
        .explain_route("t", &["a.b.c"], &FieldTable::new(), true)
        .unwrap();
    let lines: Vec<String> = e.hops.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        vec![
            "exchange 't' → queue 'zz': 'a.#.*' matches 'a.b.c' (# took 'b', * took 'c')",
            "exchange 't' → queue 'aa': '#' matches 'a.b.c' (# took 'a' 'b' 'c')",
        ]
    );
    let mut s = RouteScratch::new();
    r.route("t", &["a.b.c"], &FieldTable::new(), true, &mut s)
        .unwrap();
    s.sort_queues_by_name(&r);
    assert_eq!(s.queues(), &[QueueId(1), QueueId(0)]);
}
