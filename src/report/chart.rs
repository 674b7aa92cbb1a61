//! Small charts as hand-written SVG: a few rectangles and labels need no font measurement,
//! so they render the same on any machine (the maps use plotters and a CJK font).

/// A bar chart: one bar per `(label, value)`, values from 0 to the largest; `None` leaves
/// the slot empty. Used for the sweep's per-axis plots and the placement curve.
pub fn bar_chart_svg(title: &str, bars: &[(String, Option<f64>)]) -> String {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let (w, h, left, bottom, top) = (640.0, 360.0, 70.0, 60.0, 50.0);
    let plot_h = h - bottom - top;
    let max = bars
        .iter()
        .filter_map(|b| b.1)
        .fold(0.0f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let slot = (w - left - 20.0) / bars.len().max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"24\" font-size=\"15\">{}</text>\n\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#444\"/>\n\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\"/>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{max:.4}</text>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>\n",
        esc(title),
        h - bottom,
        h - bottom,
        w - 20.0,
        h - bottom,
        left - 6.0,
        top + 4.0,
        left - 6.0,
        h - bottom
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + slot * 0.15;
        let bw = slot * 0.7;
        let cx = x + bw / 2.0;
        if let Some(v) = value {
            let bh = plot_h * (v / max).clamp(0.0, 1.0);
            svg.push_str(&format!(
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" \
                 fill=\"#3b7dd8\"><title>{}: {v:.4}</title></rect>\n\
                 <text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{v:.4}</text>\n",
                h - bottom - bh,
                esc(label),
                h - bottom - bh - 4.0
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            h - bottom + 18.0,
            esc(label)
        ));
    }
    svg.push_str("</svg>\n");
    svg
}
