use super::*;

/// The shared benchmark workload, as modelling tools write it (a copy of
/// `shared/bench/peers/oa-approval.spiff.bpmn`, so tests need nothing outside the repository).
fn spiff() -> String {
    include_str!("../../tests/fixtures/oa-approval.spiff.bpmn").to_string()
}

#[test]
fn loads_the_shared_workload() {
    let def = load(&spiff()).unwrap();
    assert_eq!(def.graph().key, "oa_approval");
    assert_eq!(def.graph().nodes.len(), 7);
}

#[test]
fn exports_well_formed_bpmn_with_a_diagram() {
    let def = load(&spiff()).unwrap();
    let xml = export(def.graph());
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let shapes = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "BPMNShape")
        .count();
    let edges = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "BPMNEdge")
        .count();
    assert_eq!(
        (shapes, edges),
        (def.graph().nodes.len(), def.graph().edges.len())
    );
    if let Ok(dir) = std::env::var("XIETONG_EXPORT_DIR") {
        std::fs::write(format!("{dir}/oa-approval.xietong.bpmn"), &xml).unwrap();
    }
    let again = import(&xml).unwrap();
    assert_eq!(again.without_layout(), def.graph().without_layout());
}
