use super::*;

/// The shared workload file (read at run time, so a checkout without `../shared` still builds).
fn spiff() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/bench/peers/oa-approval.spiff.bpmn"
    );
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
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
