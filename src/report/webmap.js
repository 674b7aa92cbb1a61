// map.html's own script (src/report/webmap.rs embeds it): draws window.FIREPLAN_MAP with
// Leaflet's canvas renderer, one toggleable layer per entry, and records on <body> what
// it drew (data-layers, data-features, data-ink) and every error (data-errors), for the
// browser test (tests/webmap.rs) and for anyone checking the page by hand.
(function () {
  'use strict';
  var D = window.FIREPLAN_MAP;
  var body = document.body;
  var renderer = L.canvas({ padding: 0.2 });
  var map = L.map('map', { renderer: renderer, preferCanvas: true, zoomSnap: 0.25 });
  // Drawn objects, each with the number of features it stands for.
  var drawn = [];

  function text(s) {
    var d = document.createElement('div');
    d.textContent = s;
    return d.innerHTML;
  }

  function popupOf(rows) {
    return function () {
      var t = document.createElement('table');
      t.className = 'fp-popup';
      rows.forEach(function (r) {
        var tr = document.createElement('tr');
        var th = document.createElement('th');
        var td = document.createElement('td');
        th.textContent = r[0];
        td.textContent = r[1];
        tr.appendChild(th);
        tr.appendChild(td);
        t.appendChild(tr);
      });
      return t;
    };
  }

  function pathOptions(st) {
    return {
      renderer: renderer,
      color: st.colour,
      weight: st.weight_px,
      fill: st.fill !== null,
      fillColor: st.fill || st.colour,
      fillOpacity: st.fill_opacity,
      opacity: 1
    };
  }

  // One Leaflet object for a GeoJSON geometry.
  function objectOf(g, st) {
    var o = pathOptions(st);
    var c = g.coordinates;
    switch (g.type) {
      case 'Point':
        o.radius = st.radius_px;
        return L.circleMarker([c[1], c[0]], o);
      case 'MultiPoint':
        o.radius = st.radius_px;
        return L.featureGroup(c.map(function (p) { return L.circleMarker([p[1], p[0]], o); }));
      case 'LineString':
        o.fill = false;
        return L.polyline(L.GeoJSON.coordsToLatLngs(c, 0), o);
      case 'MultiLineString':
        o.fill = false;
        return L.polyline(L.GeoJSON.coordsToLatLngs(c, 1), o);
      case 'Polygon':
        return L.polygon(L.GeoJSON.coordsToLatLngs(c, 1), o);
      case 'MultiPolygon':
        return L.polygon(L.GeoJSON.coordsToLatLngs(c, 2), o);
      default:
        throw new Error('map.html: unknown geometry ' + g.type);
    }
  }

  // True when Leaflet projected the object (and every part of it) for its renderer.
  function projected(o) {
    if (o.eachLayer) {
      var all = true;
      o.eachLayer(function (p) { all = all && projected(p); });
      return all;
    }
    return !!(o._renderer && o._pxBounds && o._pxBounds.isValid());
  }

  var bounds = L.latLngBounds([]);
  var groups = D.layers.map(function (layer) {
    var group = L.featureGroup();
    layer.features.forEach(function (f) {
      var o = objectOf(f.geometry, f.style);
      if (f.popup.length > 0) {
        o.bindPopup(popupOf(f.popup));
      }
      group.addLayer(o);
      drawn.push({ object: o, features: 1 });
    });
    if (layer.lines.length > 0) {
      var latlngs = layer.lines.map(function (flat) {
        var line = [];
        for (var i = 0; i + 1 < flat.length; i += 2) {
          line.push([flat[i + 1], flat[i]]);
        }
        return line;
      });
      var o = L.polyline(latlngs, { renderer: renderer, color: layer.line_colour, weight: 2, opacity: 0.9 });
      group.addLayer(o);
      drawn.push({ object: o, features: latlngs.length });
    }
    if (group.getLayers().length > 0) {
      bounds.extend(group.getBounds());
    }
    return group;
  });
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [10, 10] });
  } else {
    map.setView([0, 0], 2);
  }

  var overlays = {};
  var names = [];
  D.layers.forEach(function (layer, i) {
    var name = '<span class="fp-swatch" style="background:' + layer.colour + '"></span>' + text(layer.name);
    overlays[name] = groups[i];
    names.push(layer.name);
    groups[i].addTo(map);
  });

  var title = L.control({ position: 'topright' });
  title.onAdd = function () {
    var div = L.DomUtil.create('div', 'fp-title');
    var h = document.createElement('h1');
    h.textContent = D.title;
    var p = document.createElement('p');
    p.textContent = D.summary;
    div.appendChild(h);
    div.appendChild(p);
    if (D.note) {
      var n = document.createElement('p');
      n.className = 'fp-note';
      n.textContent = D.note;
      div.appendChild(n);
    }
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  title.addTo(map);
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  map.attributionControl.addAttribution('fireplan');

  // Every layer was added once to be counted; the ones not shown at first are taken off.
  var features = drawn.reduce(function (n, d) { return n + (projected(d.object) ? d.features : 0); }, 0);
  D.layers.forEach(function (layer, i) {
    if (!layer.shown) {
      map.removeLayer(groups[i]);
    }
  });

  // Pixels the canvas holds once it is painted (every 3rd pixel in each direction).
  function ink() {
    var canvas = renderer._container;
    if (!canvas || !canvas.width) {
      return 0;
    }
    var px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    var n = 0;
    for (var y = 0; y < canvas.height; y += 3) {
      for (var x = 0; x < canvas.width; x += 3) {
        if (px[(y * canvas.width + x) * 4 + 3] > 0) {
          n += 1;
        }
      }
    }
    return n;
  }

  body.dataset.layers = String(D.layers.length);
  body.dataset.layerNames = names.join('|');
  body.dataset.features = String(features);
  // The canvas is painted on the next animation frame.
  setTimeout(function () {
    body.dataset.ink = String(ink());
    body.dataset.errors = window.FIREPLAN_ERRORS.join(' | ');
    body.dataset.done = '1';
  }, 300);
})();
