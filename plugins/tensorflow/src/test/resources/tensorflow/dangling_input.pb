
2
xPlaceholder*
dtype0*
shape
:

rRelu	nowhere:0*
T0