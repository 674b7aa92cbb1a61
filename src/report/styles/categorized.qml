<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0-Firenze" styleCategories="Symbology">
  <renderer-v2 type="categorizedSymbol" attr="{ATTR}" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">
    <categories>
{CATEGORIES}
    </categories>
    <symbols>
{SYMBOLS}
    </symbols>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
  <layerGeometryType>{GEOMETRY_TYPE}</layerGeometryType>
</qgis>
