#!/usr/bin/python3
"""Opens a run's fireplan.gpkg in QGIS itself (headless, the Debian `python3-qgis`
bindings) as a QGIS user does: every layer added from the GeoPackage, each with its
default style from `layer_styles`. Checks that every styled layer loads valid, with the
renderer its QML names (not QGIS's grey single symbol), and draws the project to a PNG to
look at.

    /usr/bin/python3 bench/qgis_check.py OUT/fireplan.gpkg [picture.png]

Prints one line per layer; exits 1 when a layer is invalid or a stored style did not
apply. Needs Debian's python3-qgis (`apt-get install python3-qgis qgis-providers`).
"""
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def main() -> int:
    gpkg = sys.argv[1]
    picture = sys.argv[2] if len(sys.argv) > 2 else None
    db = sqlite3.connect(gpkg)
    layers = [r[0] for r in db.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid")]
    styles = {}
    for table, qml in db.execute(
            "SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault"):
        styles[table] = qml
    db.close()

    app = QgsApplication([], False)
    app.initQgis()
    failures = 0
    loaded = []
    for name in layers:
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        if not layer.isValid():
            print(f"{name}: INVALID")
            failures += 1
            continue
        renderer = layer.renderer().type() if layer.renderer() else "none"
        line = f"{name}: {layer.featureCount()} features, renderer {renderer}"
        if name in styles:
            # The QML names its renderer: <renderer-v2 ... type="categorizedSymbol" ...>
            qml = styles[name]
            want = qml.split("<renderer-v2", 1)[1].split('type="', 1)[1].split('"', 1)[0]
            ok = renderer == want
            line += f", stored style {want}: {'applied' if ok else 'NOT APPLIED'}"
            failures += 0 if ok else 1
        else:
            line += ", no stored style"
        print(line)
        loaded.append(layer)
    if picture and loaded:
        # A planner's first view: the basemap, districts, the roads by band, the
        # incidents and the stations of the baseline, top layer first.
        view = ["stations", "depots", "demand", "coverage_segments", "districts",
                "context_water_lines", "context_water", "context_landuse"]
        by_name = {l.name(): l for l in loaded}
        shown = [by_name[n] for n in view if n in by_name]
        extent = QgsRectangle()
        for layer in shown:
            if layer.name() in ("districts", "demand", "stations"):
                extent.combineExtentWith(layer.extent())
        project = QgsProject.instance()
        for layer in shown:
            if layer.fields().indexOf("variant") >= 0:
                layer.setSubsetString("\"variant\" = 'baseline'")
            project.addMapLayer(layer)
        settings = QgsMapSettings()
        settings.setLayers(shown)
        settings.setBackgroundColor(QColor(255, 255, 255))
        settings.setOutputSize(QSize(1600, 1600))
        settings.setExtent(extent if not extent.isEmpty() else shown[0].extent())
        settings.setDestinationCrs(shown[0].crs())
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(picture, "png")
        print(f"drawn: {picture} ({', '.join(l.name() for l in shown)})")
    return 1 if failures else 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # QGIS 3.22's teardown (exitQgis, or Python freeing the layers after it) crashes
    # with a segmentation fault once a map has been rendered; everything is written by
    # now, so leave without it.
    os._exit(code)
