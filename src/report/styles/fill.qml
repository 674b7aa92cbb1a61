      <symbol type="fill" name="{NAME}" alpha="{ALPHA}" clip_to_extent="1" force_rhr="0" frame_rate="10" is_animated="0">
        <layer class="SimpleFill" enabled="1" pass="0" locked="0">
          <Option type="Map">
            <Option type="QString" name="color" value="{COLOR}"/>
            <Option type="QString" name="joinstyle" value="bevel"/>
            <Option type="QString" name="outline_color" value="{OUTLINE}"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="{OUTLINE_MM}"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="style" value="{STYLE}"/>
          </Option>
        </layer>
      </symbol>
