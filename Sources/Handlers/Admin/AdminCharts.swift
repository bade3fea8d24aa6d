import Foundation

/// Small SVG charts drawn on the server from numbers, so the page needs no chart library and
/// no inline script. Text in them (labels) is escaped here, because the SVG is inserted raw.
enum AdminCharts {
    struct Series {
        var name: String
        var cssClass: String
        var values: [Double]
    }

    /// Bars per day (one series) or lines (several), with the first and last labels and the maximum.
    static func daily(labels: [String], series: [Series], asBars: Bool, valueLabel: (Double) -> String) -> String {
        let width = 640.0, height = 180.0, top = 16.0, bottom = 22.0, left = 4.0
        let plotHeight = height - top - bottom
        let count = max(1, labels.count)
        let step = (width - left * 2) / Double(count)
        let maximum = max(1, series.flatMap(\.values).max() ?? 1)
        var svg =
            #"<svg class="chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">"#
        svg += #"<title>\#(escape(series.map(\.name).joined(separator: ", ")))</title>"#
        svg += #"<line class="axis" x1="0" y1="\#(height - bottom)" x2="\#(width)" y2="\#(height - bottom)"/>"#
        for item in series {
            if asBars {
                for (index, value) in item.values.enumerated() {
                    let barHeight = plotHeight * value / maximum
                    let x = left + Double(index) * step + step * 0.15
                    svg +=
                        #"<rect class="\#(item.cssClass)" x="\#(fmt(x))" y="\#(fmt(height - bottom - barHeight))" width="\#(fmt(step * 0.7))" height="\#(fmt(barHeight))"><title>\#(escape(labels[safe: index] ?? "")): \#(escape(valueLabel(value)))</title></rect>"#
                }
            } else {
                let points = item.values.enumerated().map { index, value in
                    "\(fmt(left + Double(index) * step + step / 2)),\(fmt(height - bottom - plotHeight * value / maximum))"
                }
                svg += #"<polyline class="\#(item.cssClass)" fill="none" points="\#(points.joined(separator: " "))"/>"#
            }
        }
        svg += #"<text class="label" x="2" y="12">max \#(escape(valueLabel(maximum)))</text>"#
        if let first = labels.first, let last = labels.last {
            svg += #"<text class="label" x="2" y="\#(height - 6)">\#(escape(first))</text>"#
            svg += #"<text class="label" x="\#(width - 2)" y="\#(height - 6)" text-anchor="end">\#(escape(last))</text>"#
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one per category, with the count written beside each.
    static func horizontal(_ items: [(label: String, value: Int, cssClass: String)]) -> String {
        let rowHeight = 28.0, width = 640.0, labelWidth = 110.0
        let maximum = Double(max(1, items.map(\.value).max() ?? 1))
        let height = rowHeight * Double(max(1, items.count))
        var svg = #"<svg class="chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" xmlns="http://www.w3.org/2000/svg">"#
        for (index, item) in items.enumerated() {
            let y = Double(index) * rowHeight
            let barWidth = (width - labelWidth - 90) * Double(item.value) / maximum
            svg += #"<text class="label" x="0" y="\#(fmt(y + 18))">\#(escape(item.label))</text>"#
            svg += #"<rect class="\#(item.cssClass)" x="\#(labelWidth)" y="\#(fmt(y + 5))" width="\#(fmt(barWidth))" height="18"/>"#
            svg += #"<text class="label" x="\#(fmt(labelWidth + barWidth + 6))" y="\#(fmt(y + 18))">\#(item.value)</text>"#
        }
        return svg + "</svg>"
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
