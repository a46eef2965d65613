/* gridscout console: live updates (server-sent events -> htmx refresh) and the Cytoscape map.
   No inline script anywhere (Content-Security-Policy script-src 'self'); every string shown
   from the graph data goes through textContent or Cytoscape's canvas labels, never innerHTML. */
(function () {
  'use strict';

  function liveUpdates() {
    if (document.body.dataset.live !== 'true' || !window.EventSource) return;
    var es = new EventSource('/console/events/stream');
    window.gsEventSource = es;
    es.onmessage = function (m) {
      window.gsLastEventSeq = m.data;
      if (window.htmx) window.htmx.trigger(document.body, 'gs-change');
    };
    es.onopen = function () { window.gsStreamOpen = true; };
  }

  function text(parent, tag, value, cls) {
    var e = document.createElement(tag);
    e.textContent = value == null ? '' : String(value);
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }

  function showNode(panel, d) {
    panel.replaceChildren();
    if (d.kind === 'group') {
      text(panel, 'h3', d.label);
      text(panel, 'p', 'Click to expand this group.', 'muted');
      return;
    }
    if (d.kind === 'zone') {
      text(panel, 'h3', d.label);
      text(panel, 'p', 'Click to collapse this group.', 'muted');
      return;
    }
    text(panel, 'h3', d.label);
    var dl = document.createElement('dl');
    [['Asset', d.id], ['Class', d.cls], ['Vendor', d.vendor], ['Model', d.model], ['IPs', d.ips], ['Group', d.group]].forEach(function (kv) {
      if (!kv[1]) return;
      text(dl, 'dt', kv[0]);
      text(dl, 'dd', kv[1]);
    });
    panel.appendChild(dl);
    var a = document.createElement('a');
    a.href = d.href;
    a.textContent = 'open asset';
    panel.appendChild(a);
  }

  function legend(el, nodes, edges) {
    el.replaceChildren();
    var seen = {};
    nodes.forEach(function (n) {
      if (n.data.kind !== 'asset' || seen['c' + n.data.cls]) return;
      seen['c' + n.data.cls] = true;
      var s = text(el, 'span', n.data.cls, 'legend-item');
      s.dataset.color = n.data.color;
    });
    edges.forEach(function (e) {
      if (seen['p' + e.data.protocol]) return;
      seen['p' + e.data.protocol] = true;
      var s = text(el, 'span', '— ' + e.data.protocol, 'legend-item edge');
      s.dataset.color = e.data.color;
    });
    // colours through the CSSOM (allowed by the policy), not style attributes
    el.querySelectorAll('[data-color]').forEach(function (s) {
      if (s.classList.contains('edge')) s.style.color = s.dataset.color; else s.style.borderLeftColor = s.dataset.color;
    });
  }

  function map() {
    var el = document.getElementById('cy');
    if (!el || !window.cytoscape) return;
    var panel = document.getElementById('node-info');
    var expanded = [];
    var cy = null;

    function load() {
      var url = el.dataset.src + (expanded.length ? '?expand=' + encodeURIComponent(expanded.map(encodeURIComponent).join(',')) : '');
      window.gsMapReady = false;
      fetch(url, {credentials: 'same-origin'}).then(function (r) {
        if (!r.ok) throw new Error('map data: HTTP ' + r.status);
        return r.json();
      }).then(function (g) {
        if (cy) cy.destroy();
        var n = g.nodes.length;
        cy = window.cytoscape({
          container: el,
          elements: {nodes: g.nodes, edges: g.edges},
          style: [
            {selector: 'node', style: {'background-color': 'data(color)', 'label': 'data(label)', 'font-size': 9,
              'text-valign': 'bottom', 'text-margin-y': 3, 'width': 18, 'height': 18, 'color': '#222'}},
            {selector: 'node[kind = "group"]', style: {'shape': 'round-rectangle', 'width': 'mapData(size, 1, 500, 30, 90)',
              'height': 'mapData(size, 1, 500, 30, 90)', 'border-width': 2, 'border-color': '#607d8b', 'text-valign': 'center', 'text-margin-y': 0}},
            {selector: ':parent', style: {'background-opacity': 0.06, 'border-color': '#607d8b', 'border-width': 1, 'text-valign': 'top', 'shape': 'round-rectangle'}},
            {selector: 'edge', style: {'line-color': 'data(color)', 'width': 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle',
              'target-arrow-color': 'data(color)', 'arrow-scale': 0.7, 'opacity': 0.8}},
            {selector: 'edge.danger', style: {'width': 4, 'line-color': '#d62728', 'target-arrow-color': '#d62728', 'line-style': 'dashed'}}
          ],
          layout: n > 300 ? {name: 'grid', animate: false} : {name: 'cose', animate: false, randomize: false, nodeRepulsion: 9000}
        });
        window.gsCy = cy;
        cy.on('mouseover tap', 'node', function (e) { showNode(panel, e.target.data()); });
        cy.on('tap', 'node', function (e) {
          var d = e.target.data();
          if (d.kind === 'group') { expanded.push(d.group); load(); }
          else if (d.kind === 'zone') { expanded = expanded.filter(function (x) { return x !== d.group; }); load(); }
          else if (d.href) { window.location.assign(d.href); }
        });
        legend(document.getElementById('legend'), g.nodes, g.edges);
        window.gsMapNodes = cy.nodes().length;
        window.gsMapReady = true;
      }).catch(function (err) {
        panel.replaceChildren();
        text(panel, 'p', String(err), 'error');
      });
    }
    load();
  }

  document.addEventListener('DOMContentLoaded', function () {
    liveUpdates();
    map();
  });
})();
