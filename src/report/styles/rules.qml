<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0-Firenze" styleCategories="Symbology">
  <renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="{ORDER_BY_ENABLED}" forceraster="0" referencescale="-1">
    <rules key="{root}">
{RULES}
    </rules>
    <symbols>
{SYMBOLS}
    </symbols>
    <orderby>
{ORDER_BY}
    </orderby>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
  <layerGeometryType>{GEOMETRY_TYPE}</layerGeometryType>
</qgis>
