// map.html's own script (src/report/webmap.rs embeds it): draws window.FIREPLAN_MAP with
// Leaflet's canvas renderer, one toggleable layer per entry, and records on <body> what
// it drew (data-layers, data-features, data-drawn, data-ink, data-basemap-ink,
// data-labels-shown, data-basemap-under) and every error (data-errors), for the browser
// test (tests/webmap.rs) and for anyone checking the page by hand.
// The basemap (the maps' context) lies under the analysis: each basemap layer in its own
// pane and canvas below Leaflet's overlay pane, so that toggling a layer keeps the order.
// The place names alone lie over the analysis (small grey text with a white halo just
// below the place, as a basemap's reference labels do: under the dense road bands and
// gap points they could not be read), decluttered on every move (the most important name first, a name
// overlapping one already shown hidden).
(function () {
  'use strict';
  var D = window.FIREPLAN_MAP;
  var body = document.body;
  var renderer = L.canvas({ padding: 0.2 });
  var map = L.map('map', { renderer: renderer, preferCanvas: true, zoomSnap: 0.25 });
  // Drawn objects, each with the number of features it stands for and its layer.
  var drawn = [];
  // The basemap's layers below the overlay pane (z-index 400), its place names above it
  // and below the popups (700).
  var BASEMAP_Z = 300;
  var LABELS_Z = 450;
  map.createPane('fp-labels').style.zIndex = String(LABELS_Z);
  // Place-name markers with their span and its measured size.
  var labels = [];

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

  function latLngsOf(flat) {
    var line = [];
    for (var i = 0; i + 1 < flat.length; i += 2) {
      line.push([flat[i + 1], flat[i]]);
    }
    return line;
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

  // True when Leaflet projected the object (and every part of it) for its renderer, or
  // put a marker's element on the page.
  function projected(o) {
    if (o.eachLayer) {
      var all = true;
      o.eachLayer(function (p) { all = all && projected(p); });
      return all;
    }
    if (o instanceof L.Marker) {
      return !!o.getElement();
    }
    return !!(o._renderer && o._pxBounds && o._pxBounds.isValid());
  }

  var bounds = L.latLngBounds([]);
  var basemapBounds = L.latLngBounds([]);
  // The basemap layers' canvases, for data-basemap-ink.
  var basemapRenderers = [];
  var groups = D.layers.map(function (layer, index) {
    var group = L.featureGroup();
    var own = renderer;
    if (layer.basemap && (layer.areas.length > 0 || layer.lines.length > 0)) {
      var pane = 'fp-basemap-' + index;
      map.createPane(pane).style.zIndex = String(BASEMAP_Z + index);
      own = L.canvas({ padding: 0.2, pane: pane });
      basemapRenderers.push({ key: layer.key, renderer: own });
    }
    function add(o, features) {
      group.addLayer(o);
      drawn.push({ object: o, features: features, key: layer.key });
    }
    layer.features.forEach(function (f) {
      var o = objectOf(f.geometry, f.style);
      if (f.popup.length > 0) {
        o.bindPopup(popupOf(f.popup));
      }
      add(o, 1);
    });
    layer.areas.forEach(function (g) {
      g.areas.forEach(function (area) {
        var latlngs = area.map(function (polygon) { return polygon.map(latLngsOf); });
        add(L.polygon(latlngs, {
          renderer: own, stroke: false, fill: true, fillColor: g.fill, fillOpacity: 1,
          interactive: false
        }), 1);
      });
    });
    if (layer.lines.length > 0) {
      var latlngs = layer.lines.map(latLngsOf);
      add(L.polyline(latlngs, {
        renderer: own, color: layer.line_colour, weight: layer.line_weight_px,
        opacity: layer.line_opacity, dashArray: layer.line_dash || null,
        interactive: !layer.basemap
      }), latlngs.length);
    }
    layer.labels.forEach(function (l) {
      var span = '<span style="font-size:' + l.size_px + 'px">' + text(l.text) + '</span>';
      var m = L.marker([l.at[1], l.at[0]], {
        pane: 'fp-labels', interactive: false, keyboard: false,
        icon: L.divIcon({ className: 'fp-place', html: span, iconSize: null })
      });
      labels.push({ marker: m, w: 0, h: 0 });
      add(m, 1);
    });
    if (group.getLayers().length > 0) {
      (layer.basemap ? basemapBounds : bounds).extend(group.getBounds());
    }
    return group;
  });
  // The run's extent; the basemap's only when the run has none.
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [10, 10] });
  } else if (basemapBounds.isValid()) {
    map.fitBounds(basemapBounds, { padding: [10, 10] });
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
  var features = 0;
  var byLayer = {};
  drawn.forEach(function (d) {
    var n = projected(d.object) ? d.features : 0;
    features += n;
    byLayer[d.key] = (byLayer[d.key] || 0) + n;
  });
  D.layers.forEach(function (layer, i) {
    if (!layer.shown) {
      map.removeLayer(groups[i]);
    }
  });

  // Place names: the most important first (the data's order); a name whose box overlaps
  // one already shown, or lies off the map, is hidden. Boxes kept in a grid of 128 px.
  function declutter() {
    var size = map.getSize();
    var cell = 128;
    var grid = {};
    var shown = 0;
    labels.forEach(function (l) {
      var icon = l.marker.getElement();
      if (!icon || !map.hasLayer(l.marker)) {
        return;
      }
      var span = icon.firstChild;
      if (!l.w) {
        l.w = span.offsetWidth;
        l.h = span.offsetHeight;
      }
      var p = map.latLngToContainerPoint(l.marker.getLatLng());
      // The name is centred 7 px below its place (the page's CSS), off a station's dot
      // drawn there.
      var box = [p.x - l.w / 2 - 3, p.y + 6, p.x + l.w / 2 + 3, p.y + 8 + l.h];
      var visible = box[2] > 0 && box[0] < size.x && box[3] > 0 && box[1] < size.y;
      var keys = [];
      for (var gx = Math.floor(box[0] / cell); visible && gx <= Math.floor(box[2] / cell); gx++) {
        for (var gy = Math.floor(box[1] / cell); visible && gy <= Math.floor(box[3] / cell); gy++) {
          var k = gx + ',' + gy;
          keys.push(k);
          (grid[k] || []).forEach(function (b) {
            if (b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3]) {
              visible = false;
            }
          });
        }
      }
      if (visible) {
        keys.forEach(function (k) { (grid[k] = grid[k] || []).push(box); });
        shown += 1;
      }
      span.style.visibility = visible ? '' : 'hidden';
    });
    body.dataset.labelsShown = String(shown);
  }
  declutter();
  map.on('zoomend moveend overlayadd', declutter);

  // Pixels a canvas holds once it is painted (every 3rd pixel in each direction).
  function ink(r) {
    var canvas = r._container;
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
  body.dataset.drawn = D.layers.map(function (l) { return l.key + ':' + (byLayer[l.key] || 0); }).join('|');
  // The basemap lies under the analysis: every one of its canvases' panes below the
  // overlay pane.
  var overlayZ = Number(getComputedStyle(map.getPane('overlayPane')).zIndex);
  var under = true;
  basemapRenderers.forEach(function (b) {
    var canvas = b.renderer._container;
    under = under && !!canvas && Number(getComputedStyle(canvas.parentNode).zIndex) < overlayZ;
  });
  body.dataset.basemapUnder = under ? '1' : '0';
  // The canvas is painted on the next animation frame.
  setTimeout(function () {
    body.dataset.ink = String(ink(renderer));
    body.dataset.basemapInk = basemapRenderers.map(function (b) { return b.key + ':' + ink(b.renderer); }).join('|');
    body.dataset.errors = window.FIREPLAN_ERRORS.join(' | ');
    body.dataset.done = '1';
  }, 300);
})();
