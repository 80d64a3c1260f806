#!/bin/sh
# Draws the guides' two illustrations with ImageMagick (apt-get install imagemagick). They are
# diagrams of our own, not screenshots: run this again after changing one, from this folder.
set -eu
font=DejaVu-Sans
convert -size 560x190 xc:white -font "$font" -pointsize 22 -fill '#222222' \
  -draw "text 24,40 'iCloud service status'" \
  -fill '#2e9e44' -draw "circle 40,82 50,82" -fill '#222222' -draw "text 66,90 'iCloud Drive: available'" \
  -fill '#e0a800' -draw "circle 40,122 50,122" -fill '#222222' -draw "text 66,130 'iCloud Photos: slow or partly down'" \
  -fill '#d0312d' -draw "circle 40,162 50,162" -fill '#222222' -draw "text 66,170 'iCloud Mail: outage'" \
  -depth 8 -strip system-status-markers.png
convert -size 640x110 xc:white -font "$font" -pointsize 20 -stroke '#5a5a5a' -strokewidth 2 -fill '#f2f2f7' \
  -draw "roundrectangle 10,30 130,80 10,10" -draw "roundrectangle 170,30 310,80 10,10" \
  -draw "roundrectangle 350,30 470,80 10,10" -draw "roundrectangle 510,30 630,80 10,10" \
  -draw "line 132,55 166,55" -draw "line 312,55 346,55" -draw "line 472,55 506,55" \
  -stroke none -fill '#222222' \
  -draw "text 34,62 'Settings'" -draw "text 186,62 'your name'" -draw "text 380,62 'iCloud'" -draw "text 538,62 'Photos'" \
  -depth 8 -strip settings-icloud-photos-path.png
