extension Topology {
    /// A self-contained SVG: machines as rounded boxes side by side (wrapping into rows), each listing its
    /// flannel lease, networks and containers; cluster-wide networks (overlay, flannel) as coloured bands below
    /// the machines they reach, with a legend. Generic fonts only, no script or stylesheet; sizes come from the
    /// text (about 7.2 px a character at 12 px monospace) so nothing overlaps.
    public static func svg(_ cluster: ObservedCluster, title: String) -> String {
        SVGLayout(cluster: cluster, title: title).render()
    }
}

/// The geometry of one SVG drawing, all in whole pixels.
struct SVGLayout {
    static let margin = 20
    static let lineHeight = 16
    static let headerHeight = 22
    static let padX = 12
    static let padY = 8
    static let gap = 24
    static let minBoxWidth = 200
    static let rowLimit = 1200
    static let bandSpacing = 18
    static let flannelColor = "#e08a00"
    static let palette = ["#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#17becf", "#8c564b", "#e377c2", "#7f7f7f"]

    /// Text width at 12 px monospace (7.2 px a character), rounded up.
    static func textWidth(_ s: String, perTenChars: Int = 72) -> Int { (s.count * perTenChars + 9) / 10 }

    enum LineStyle { case header, detail, warning, network, container, heading }

    struct Line {
        var text: String
        var style: LineStyle
        var indent = 0
        var marker: String? = nil  // colour of a square before the text
        var height: Int { style == .header ? SVGLayout.headerHeight : SVGLayout.lineHeight }
        var width: Int {
            let w = style == .header ? SVGLayout.textWidth(text, perTenChars: 84) : SVGLayout.textWidth(text)
            return indent + (marker == nil ? 0 : 14) + w
        }
    }

    struct Box {
        var view: Topology.MachineView
        var lines: [Line]
        var x = 0, y = 0, width = 0, height = 0
        var healthy: Bool { view.machine.isRunning && view.machine.agentAnswered }
    }

    /// A cluster-wide network: flannel or one overlay network by name.
    struct Band {
        var label: String
        var legend: String
        var color: String
        var reaches: (Topology.MachineView) -> Bool
    }

    var title: String
    var headline: String
    var cluster: ObservedCluster
    var boxes: [Box] = []
    var bands: [Band] = []

    init(cluster: ObservedCluster, title: String) {
        self.title = title
        self.cluster = cluster
        self.headline = Topology.headline(cluster, title: title)
        let views = cluster.machines.map { Topology.view($0, in: cluster) }
        if let f = cluster.flannel {
            let legend = ["flannel", f.network, f.backend, f.vni.map { "vni \($0)" } ?? ""].filter { !$0.isEmpty }
            bands.append(Band(label: "flannel", legend: legend.joined(separator: "  "),
                              color: Self.flannelColor, reaches: { $0.lease != nil }))
        }
        var colors: [String: String] = [:]
        for (i, n) in Topology.clusterNetworks(views).enumerated() {
            let color = Self.palette[i % Self.palette.count]
            colors[n.name] = color
            let name = n.name
            bands.append(Band(label: n.name, legend: Topology.networkSummary(n), color: color,
                              reaches: { v in v.networks.contains { $0.network.name == name } }))
        }
        for (b, band) in bands.enumerated() {
            let on = views.filter(band.reaches).map(\.machine.name)
            if !on.isEmpty { bands[b].legend += "  on " + on.joined(separator: ", ") }
        }
        boxes = views.map { v in Box(view: v, lines: Self.lines(for: v, colors: colors)) }
    }

    static func lines(for v: Topology.MachineView, colors: [String: String]) -> [Line] {
        let m = v.machine
        var lines = [Line(text: m.name, style: .header),
                     Line(text: Topology.machineDetails(m), style: m.agentAnswered ? .detail : .warning)]
        if let lease = v.lease {
            lines.append(Line(text: "flannel  \(lease)", style: .network, marker: flannelColor))
        }
        for n in v.networks {
            lines.append(Line(text: Topology.networkSummary(n.network), style: .network,
                              marker: colors[n.network.name] ?? "#ffffff"))
            for member in n.members {
                lines.append(Line(text: Topology.containerSummary(member.container, address: member.address),
                                  style: .container, indent: 16))
            }
        }
        if !v.unattached.isEmpty {
            lines.append(Line(text: Topology.unattachedLabel, style: .heading))
            for c in v.unattached {
                lines.append(Line(text: Topology.containerSummary(c, address: nil), style: .container, indent: 16))
            }
        }
        if m.agentAnswered && v.networks.isEmpty && v.unattached.isEmpty && v.lease == nil {
            lines.append(Line(text: "(nothing running)", style: .heading))
        }
        return lines
    }

    func render() -> String {
        let margin = Self.margin
        var body: [String] = []
        var boxes = self.boxes
        let gutter = bands.isEmpty ? 0 : bands.map { Self.textWidth($0.label) }.max()! + 16

        // Title and headline.
        var y = margin + 18
        body.append("<text x=\"\(margin)\" y=\"\(y)\" font-family=\"sans-serif\" font-size=\"18\" "
                    + "font-weight=\"bold\">\(xml(title))</text>")
        var width = margin * 2 + Self.textWidth(title, perTenChars: 120)
        let details = Topology.headlineDetails(cluster)
        if !details.isEmpty {
            y += 20
            let rest = details.joined(separator: "  ·  ")
            body.append(text(rest, x: margin, y: y, extra: " fill=\"#444444\""))
            width = max(width, margin * 2 + Self.textWidth(rest))
        }
        var rowTop = y + 20

        // Size each box from its lines.
        for i in boxes.indices {
            boxes[i].width = max(Self.minBoxWidth, Self.padX * 2 + boxes[i].lines.map(\.width).max()!)
            boxes[i].height = Self.padY * 2 + boxes[i].lines.map(\.height).reduce(0, +)
        }

        // Rows of boxes, each followed by the bands of the networks reaching into it.
        var start = 0
        while start < boxes.count {
            var end = start
            var x = margin + gutter
            while end < boxes.count, end == start || x + boxes[end].width - (margin + gutter) <= Self.rowLimit {
                boxes[end].x = x
                x += boxes[end].width + Self.gap
                end += 1
            }
            let row = start..<end
            let rowHeight = row.map { boxes[$0].height }.max()!
            for i in row {
                boxes[i].y = rowTop
                boxes[i].height = rowHeight
                body.append(contentsOf: draw(boxes[i]))
            }
            width = max(width, x - Self.gap + margin)
            var bandY = rowTop + rowHeight + 22
            var drewBand = false
            for (b, band) in bands.enumerated() {
                let reached = row.filter { band.reaches(boxes[$0].view) }
                guard let first = reached.first, let last = reached.last else { continue }
                let left = boxes[first].x, right = boxes[last].x + boxes[last].width
                body.append("<line x1=\"\(left)\" y1=\"\(bandY)\" x2=\"\(right)\" y2=\"\(bandY)\" "
                            + "stroke=\"\(band.color)\" stroke-width=\"4\" stroke-linecap=\"round\"/>")
                body.append(text(band.label, x: margin, y: bandY + 4, extra: " fill=\"\(band.color)\" font-weight=\"bold\""))
                for i in reached {
                    let cx = boxes[i].x + 16 + (b * 12) % max(12, boxes[i].width - 32)
                    body.append("<line x1=\"\(cx)\" y1=\"\(rowTop + rowHeight)\" x2=\"\(cx)\" y2=\"\(bandY)\" "
                                + "stroke=\"\(band.color)\" stroke-width=\"2\"/>")
                    body.append("<circle cx=\"\(cx)\" cy=\"\(bandY)\" r=\"4\" fill=\"\(band.color)\"/>")
                }
                bandY += Self.bandSpacing
                drewBand = true
            }
            rowTop = drewBand ? bandY + 12 : rowTop + rowHeight + Self.gap
            start = end
        }
        if boxes.isEmpty {
            body.append(text("(no machines)", x: margin, y: rowTop + 12, extra: " fill=\"#666666\""))
            rowTop += 28
        }

        // Legend.
        var legendY = rowTop
        if !bands.isEmpty {
            legendY += 12
            body.append(text("cluster-wide networks", x: margin, y: legendY, extra: " font-weight=\"bold\""))
            width = max(width, margin * 2 + Self.textWidth("cluster-wide networks"))
            for band in bands {
                legendY += Self.lineHeight + 2
                body.append("<rect x=\"\(margin)\" y=\"\(legendY - 7)\" width=\"24\" height=\"5\" rx=\"2\" "
                            + "fill=\"\(band.color)\"/>")
                body.append(text(band.legend, x: margin + 32, y: legendY))
                width = max(width, margin * 2 + 32 + Self.textWidth(band.legend))
            }
            legendY += 8
        }
        let height = legendY + margin

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" font-family=\"monospace\" font-size=\"12\">\n"
        out += "<title>\(xml(headline))</title>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        for element in body { out += element + "\n" }
        out += "</svg>\n"
        return out
    }

    func draw(_ box: Box) -> [String] {
        var out: [String] = []
        let stroke = box.healthy ? "#555555" : "#cc3333"
        let fill = box.healthy ? "#f7f7f7" : "#fbeeee"
        let dash = box.view.machine.agentAnswered ? "" : " stroke-dasharray=\"6 4\""
        out.append("<rect x=\"\(box.x)\" y=\"\(box.y)\" width=\"\(box.width)\" height=\"\(box.height)\" rx=\"10\" "
                   + "ry=\"10\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\"\(dash)/>")
        var y = box.y + Self.padY
        for line in box.lines {
            y += line.height
            let baseline = y - 4
            var x = box.x + Self.padX + line.indent
            if let marker = line.marker {
                out.append("<rect x=\"\(x)\" y=\"\(baseline - 9)\" width=\"10\" height=\"10\" rx=\"2\" "
                           + "fill=\"\(marker)\" stroke=\"#555555\"/>")
                x += 14
            }
            switch line.style {
            case .header:
                out.append(text(line.text, x: x, y: baseline, extra: " font-size=\"14\" font-weight=\"bold\""))
            case .detail:
                out.append(text(line.text, x: x, y: baseline, extra: " fill=\"#444444\""))
            case .warning:
                out.append(text(line.text, x: x, y: baseline, extra: " fill=\"#cc3333\""))
            case .network:
                out.append(text(line.text, x: x, y: baseline, extra: " font-weight=\"bold\""))
            case .container:
                out.append(text(line.text, x: x, y: baseline))
            case .heading:
                out.append(text(line.text, x: x, y: baseline, extra: " fill=\"#666666\" font-style=\"italic\""))
            }
        }
        return out
    }

    func text(_ s: String, x: Int, y: Int, extra: String = "") -> String {
        "<text x=\"\(x)\" y=\"\(y)\" xml:space=\"preserve\"\(extra)>\(xml(s))</text>"
    }

    /// XML text and attribute escaping; characters XML 1.0 forbids become spaces.
    func xml(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += " "
            default:
                let v = ch.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }
}
